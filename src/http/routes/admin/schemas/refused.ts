import { z } from 'zod'
import { errors, isoTime, json, named, nullableTime, strings } from './common.js'

const summary = {
  id: z.string().describe('the id the 401 was logged with; the event id once accepted'),
  source: z.string(),
  receivedAt: isoTime,
  code: z.string().describe('why it was refused (TAGRELAY_BAD_SIGNATURE, TAGRELAY_BAD_TOKEN, ...)'),
  bytes: z.number().int(),
  status: z.enum(['refused', 'accepted']),
  reverifiedAt: nullableTime,
  reverifyCode: z.string().nullable().describe('the refusal code of the last failed re-verify'),
}
const contacts = strings.describe('emails and phones found in the body (a guess: no rule ran)')

const RefusedSummary = named(
  'RefusedSummary',
  z.object({
    ...summary,
    contacts,
    location: z.string().nullable().describe('the location its source delivers to'),
    eventId: z.string().nullable().describe('the event it became once accepted'),
  }),
)

const RefusedRequest = named(
  'RefusedRequest',
  z.object({
    ...summary,
    method: z.string(),
    url: z.string().describe('credential query values redacted'),
    contacts,
    headers: z.record(z.string(), z.union([z.string(), strings])).describe('credential and signature values redacted'),
    query: z.record(z.string(), z.unknown()),
    body: z.string(),
    bodyEncoding: z.enum(['utf-8', 'base64']),
  }),
)

const accepted = {
  id: z.string(),
  verified: z.literal(true),
  eventId: z.string().describe('the event (the first one when duplicate)'),
  duplicate: z.boolean(),
  tags: strings,
  rules: strings,
}
const refusedId = z.object({ id: z.string().min(1).max(64).describe('the refused request id') })

export const listRefused = {
  operationId: 'listRefused',
  summary: 'Requests refused for a signature or token, kept for a second look, newest first',
  querystring: z.strictObject({
    source: z.string().min(1).optional(),
    code: z.string().min(1).optional(),
    status: z.enum(['refused', 'accepted']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(64).optional().describe('nextCursor of the previous page'),
  }),
  response: {
    200: json(z.object({ items: z.array(RefusedSummary), nextCursor: z.string().nullable() }), 'one page'),
    ...errors(400, 401),
  },
}

export const getRefused = {
  operationId: 'getRefused',
  summary: 'One kept refused request: headers (credentials redacted) and body',
  params: refusedId,
  response: { 200: json(RefusedRequest, 'the kept request'), ...errors(400, 401, 404) },
}

export const recentRefusals = {
  operationId: 'recentRefusals',
  summary: 'Per source, the requests still refused in the last `minutes`, since when, and the usual code',
  querystring: z.strictObject({ minutes: z.coerce.number().int().min(1).max(10_080).default(1440) }),
  response: {
    200: json(
      z.object({
        since: isoTime,
        sources: z.array(z.object({ source: z.string(), count: z.number().int(), firstAt: isoTime, code: z.string() })),
      }),
      'the refusals by source',
    ),
    ...errors(400, 401),
  },
}

export const reverifyRefusedMany = {
  operationId: 'reverifyRefusedMany',
  summary: 'Re-verify up to 100 kept requests; each is answered on its own',
  body: z.strictObject({ ids: z.array(z.string().min(1).max(64)).min(1).max(100) }),
  response: {
    200: json(
      z.object({
        results: z.array(
          z.object({
            id: z.string(),
            verified: z.boolean(),
            eventId: accepted.eventId.optional().describe('when accepted: the event (same id)'),
            duplicate: z.boolean().optional(),
            tags: strings.optional(),
            rules: strings.optional(),
            code: z.string().optional().describe('when not: why (TAGRELAY_STILL_REFUSED, ...)'),
            message: z.string().optional(),
          }),
        ),
      }),
      'one result per id',
    ),
    ...errors(400, 401, 403),
  },
}

export const reverifyRefused = {
  operationId: 'reverifyRefused',
  summary: 'Verify the kept bytes again with the secrets configured now; accept the event if they verify',
  description:
    'Timestamps are judged at the original receipt time. On success the request becomes an ordinary event ' +
    'with the same id (dedupe applies: a copy already accepted answers duplicate: true). 409 when already ' +
    'accepted; 422 TAGRELAY_STILL_REFUSED when it still does not verify (nothing stored).',
  params: refusedId,
  response: {
    200: json(z.object(accepted), 'accepted as an event'),
    ...errors(400, 401, 403, 404, [409, 'already accepted'], [422, 'still refused']),
  },
}
