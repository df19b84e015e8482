import { z } from 'zod'
import { anyObject, Contact, errors, isoTime, json, named, nullableTime, strings, textId } from './common.js'

const EventStatus = named(
  'EventStatus',
  z
    .enum(['none', 'pending', 'done', 'dead'])
    .describe('dead if any job is dead, else pending if any is, else done; none without jobs'),
)
const whoWhere = {
  contact: Contact,
  location: z.string().nullable().describe('the location of its first job, else its source’s'),
}

const EventSummary = named(
  'EventSummary',
  z.object({
    id: z.string(),
    source: z.string(),
    receivedAt: isoTime,
    tags: strings,
    removed: strings.describe('tags its jobs remove, each once'),
    status: EventStatus,
    jobCount: z.number().int(),
    ...whoWhere,
  }),
)

const EventList = named(
  'EventList',
  z.object({
    events: z.array(EventSummary),
    nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
    warnings: strings.describe('names that exist nowhere (a filter then finds nothing), with near ones'),
  }),
)

export const Intent = named(
  'Intent',
  z.object({
    location: z.string(),
    contact: Contact,
    add: strings,
    remove: strings,
    rules: strings,
    create: z.record(z.string(), z.string()).optional(),
  }),
)

const Attempt = named(
  'Attempt',
  z.object({
    attempt: z.number().int().min(1),
    startedAt: isoTime,
    finishedAt: isoTime,
    ms: z.number().int(),
    outcome: z.enum(['done', 'retry', 'dead']),
    statusCode: z.number().int().nullable().describe("HighLevel's HTTP status; null when no answer came"),
    error: z.string().nullable(),
    contactId: z.string().nullable(),
    response: z.unknown().describe("HighLevel's response body as received (tokens scrubbed)"),
    rateLimit: z
      .record(z.string(), z.number().nullable())
      .nullable()
      .describe("HighLevel's rate-limit headers last seen for the location when the attempt ended (as RateLimit)"),
  }),
)

const TrailJob = named(
  'TrailJob',
  z.object({
    id: z.number().int(),
    location: z.string(),
    contact: Contact,
    contactId: z.string().nullable(),
    add: strings,
    remove: strings,
    status: z.enum(['pending', 'done', 'dead']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    nextAttemptAt: nullableTime,
    trail: z.array(Attempt),
  }),
)

const WhyTag = z
  .object({
    tag: z.string(),
    rules: strings.describe('the rules that add this tag'),
    outcome: z.enum(['added', 'waiting', 'failed', 'not-added']),
    sentence: z.string().describe('plain words; names in backticks'),
    code: z.string().nullable(),
  })
  .describe('with ?tag=: the answer about that tag first')

const EventTrail = named(
  'EventTrail',
  z.object({
    id: z.string(),
    source: z.string(),
    ...whoWhere,
    whyTag: WhyTag.optional(),
    receivedAt: isoTime,
    status: EventStatus,
    why: z
      .string()
      .describe('one sentence: what was added and when, what waits and why, which rule missed and on what value'),
    request: z.object({
      headers: z
        .record(z.string(), z.union([z.string(), strings]))
        .describe('as received, secrets replaced by [redacted]'),
      body: z.unknown().describe('the parsed body'),
    }),
    verification: z.object({
      verified: z.boolean(),
      method: z.string().nullable().describe('the source verify.type'),
      refusedFirst: z
        .object({ code: z.string(), reverifiedAt: nullableTime })
        .optional()
        .describe('present when the request was refused first and accepted by POST /admin/refused/{id}/reverify'),
    }),
    rules: z.object({
      version: z.string().nullable(),
      tags: strings,
      trace: z.array(anyObject),
      traceFrom: z
        .enum(['stored', 'recomputed', 'unavailable'])
        .describe('recomputed: evaluated again with the recorded rule set that judged the event'),
      unmatched: z.array(anyObject),
      explanation: z.string(),
    }),
    intents: z.array(Intent),
    reruns: z
      .array(z.object({ at: isoTime, by: z.string(), rulesVersion: z.string(), changes: z.unknown() }))
      .describe('every re-run of the event: when, by whom, the rules version, what it changed'),
    jobs: z.array(TrailJob),
  }),
)

/** An ISO 8601 date-time or epoch milliseconds. */
const instant = z
  .union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{1,15}$/)])
  .transform((s) => (/^\d+$/.test(s) ? Number(s) : Date.parse(s)))

const named_ = (what: string, description: string) =>
  z.string().min(1).optional().describe(`events with this ${what} (${description})`)

/** GET /admin/events */
export const listEvents = {
  operationId: 'listEvents',
  summary: 'Stored events, newest first',
  querystring: z.strictObject({
    source: z.string().min(1).optional(),
    status: z.enum(['none', 'pending', 'done', 'dead']).optional(),
    contact: z.string().min(1).optional().describe('a HighLevel contact id, an email (any case) or an E.164 phone'),
    location: named_('location', 'a job delivers to it'),
    rule: named_('rule', 'it matched'),
    ruleOutcome: z
      .enum(['matched', 'missed'])
      .optional()
      .describe(
        'with rule: events it matched (default) or events of its source it did not match; names match in any case',
      ),
    tag: named_('tag', 'they asked for'),
    since: instant.optional().describe('ISO 8601 date-time or epoch ms, inclusive'),
    until: instant.optional().describe('ISO 8601 date-time or epoch ms, exclusive'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).optional().describe('nextCursor of the previous page'),
  }),
  response: { 200: json(EventList, 'one page'), ...errors(400, 401) },
}

/** GET /admin/events/:id */
export const getEventTrail = {
  operationId: 'getEventTrail',
  summary: "One event's trail, from receipt to HighLevel's answers",
  params: textId('the event id (the `id` of the 202 answer)'),
  querystring: z.strictObject({
    tag: z.string().min(1).max(200).optional().describe('a tag the person expected: answered first as `whyTag`'),
  }),
  response: { 200: json(EventTrail, 'the trail'), ...errors(400, 401, 404) },
}
