import { z } from 'zod'
import { Contact, errors, isoTime, json, named, noContent, strings } from './common.js'

const jobId = z.object({ id: z.coerce.number().int().positive().describe('the job id') })

const deadFields = {
  id: z.number().int(),
  eventId: z.string(),
  location: z.string(),
  contact: Contact,
  add: strings,
  remove: strings,
  rules: strings,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  deadSince: isoTime.describe('when the attempt that made it dead ended'),
}

/** A dead letter as listed: with its cause in words and the source of its rules. */
const DeadLetterRow = named(
  'DeadLetterRow',
  z.object({
    ...deadFields,
    code: z.string().nullable().describe('the error code of its last error'),
    reason: z.string().describe('the cause in plain words'),
    source: z.string().nullable().describe('the source of the rules that made the job'),
  }),
)

const DeadLetter = named(
  'DeadLetter',
  z
    .object({
      ...deadFields,
      contactId: z.string().nullable(),
      history: z.array(
        z.object({
          rateLimit: z.record(z.string(), z.number().nullable()).nullable().optional(),
          startedAt: isoTime,
          finishedAt: isoTime,
          outcome: z.enum(['done', 'retry', 'dead']),
          statusCode: z.number().int().nullish(),
          error: z.string().nullish(),
          contactId: z.string().nullish(),
          response: z.unknown().optional().describe("HighLevel's answer as received (tokens scrubbed)"),
        }),
      ),
      event: z.object({ id: z.string(), source: z.string(), receivedAt: isoTime, tags: strings }).nullable(),
    })
    .describe('a job that will not be retried, with its event and every attempt'),
)

const filters = {
  location: z.string().min(1).optional(),
  code: z.string().min(1).optional().describe('the error code, e.g. TAGRELAY_CONTACT_NOT_FOUND'),
  source: z.string().min(1).optional().describe('the source of the rules that made the job'),
  rule: z.string().min(1).optional().describe('a rule that made the job'),
  olderThanMinutes: z.coerce.number().int().min(0).optional().describe('dead for at least this many minutes'),
}
const replayed = json(z.object({ replayed: z.array(z.number().int()) }), 'the job ids queued again')

export const listDeadLetters = {
  operationId: 'listDeadLetters',
  summary: 'Jobs that will not be retried, oldest first (keyset on the job id)',
  querystring: z.object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    after: z.coerce.number().int().min(0).default(0).describe('the `next` of the previous page'),
    ...filters,
  }),
  response: {
    200: json(z.object({ items: z.array(DeadLetterRow), next: z.number().int().nullable() }), 'the dead letters'),
    ...errors(400, 401),
  },
}

export const countDeadLetters = {
  operationId: 'countDeadLetters',
  summary: 'How many dead letters match a filter (before replaying them all)',
  querystring: z.strictObject(filters),
  response: { 200: json(z.object({ count: z.number().int().min(0) }), 'the count'), ...errors(400, 401) },
}

export const groupDeadLetters = {
  operationId: 'groupDeadLetters',
  summary: 'Dead letters that match the filters, grouped by cause and location, biggest first',
  querystring: z.strictObject(filters),
  response: {
    200: json(
      z.object({
        groups: z.array(
          z.object({
            code: z.string().nullable(),
            location: z.string(),
            reason: z.string().describe('the cause in plain words'),
            count: z.number().int().min(1),
          }),
        ),
      }),
      'the groups',
    ),
    ...errors(400, 401),
  },
}

export const discardDeadLetters = {
  operationId: 'discardDeadLetters',
  summary: 'Discard several dead letters (their events stay); ids no longer dead are skipped',
  body: z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(1000) }),
  response: {
    200: json(z.object({ discarded: z.array(z.number().int()) }), 'the job ids discarded'),
    ...errors(400, 401, 403),
  },
}

export const getDeadLetter = {
  operationId: 'getDeadLetter',
  summary: 'One dead letter with its attempts',
  params: jobId,
  response: { 200: json(DeadLetter, 'the dead letter'), ...errors(400, 401, 404) },
}

export const replayDeadLetter = {
  operationId: 'replayDeadLetter',
  summary: 'Queue one dead letter again',
  params: jobId,
  response: { 200: replayed, ...errors(400, 401, 403, 404) },
}

export const replayDeadLetters = {
  operationId: 'replayDeadLetters',
  summary: 'Queue several or all dead letters again',
  body: z.union([
    z.strictObject({ ids: z.array(z.number().int().positive()).min(1) }),
    z.strictObject({ all: z.literal(true) }),
  ]),
  response: { 200: replayed, ...errors(400, 401, 403) },
}

export const discardDeadLetter = {
  operationId: 'discardDeadLetter',
  summary: 'Discard a dead letter (the event stays)',
  params: jobId,
  response: { 204: noContent('discarded'), ...errors(400, 401, 403, 404) },
}
