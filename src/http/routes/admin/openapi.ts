import type { FastifyInstance } from 'fastify'

type Json = Record<string, unknown>

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: Json, description: string): Json => ({ description, content: { 'application/json': { schema } } })
const errors = (...codes: number[]): Json =>
  Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/E${c}` }]))
const nullable = (type: string, extra: Json = {}): Json => ({ type: [type, 'null'], ...extra })
const stringList: Json = { type: 'array', items: { type: 'string' } }
const idParam = (description: string): Json => ({
  name: 'id',
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
})

const schemas: Record<string, Json> = {
  Error: {
    type: 'object',
    required: ['statusCode', 'code', 'message'],
    properties: {
      statusCode: { type: 'integer' },
      code: { type: 'string', examples: ['TAGRELAY_ADMIN_UNAUTHORIZED'] },
      message: { type: 'string' },
    },
  },
  Contact: {
    type: 'object',
    properties: { id: { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' } },
  },
  EventStatus: {
    type: 'string',
    enum: ['none', 'pending', 'done', 'dead'],
    description: 'dead if any job is dead, else pending if any is, else done; none without jobs',
  },
  EventSummary: {
    type: 'object',
    required: ['id', 'source', 'receivedAt', 'tags', 'status', 'jobCount'],
    properties: {
      id: { type: 'string' },
      source: { type: 'string' },
      receivedAt: { type: 'string', format: 'date-time' },
      tags: stringList,
      status: ref('EventStatus'),
      jobCount: { type: 'integer' },
    },
  },
  EventList: {
    type: 'object',
    required: ['events', 'nextCursor'],
    properties: {
      events: { type: 'array', items: ref('EventSummary') },
      nextCursor: nullable('string', { description: 'pass as `cursor` for the next page; null on the last page' }),
    },
  },
  Intent: {
    type: 'object',
    required: ['location', 'contact', 'add', 'remove', 'rules'],
    properties: {
      location: { type: 'string' },
      contact: ref('Contact'),
      add: stringList,
      remove: stringList,
      rules: stringList,
      create: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
  Attempt: {
    type: 'object',
    required: ['attempt', 'startedAt', 'finishedAt', 'ms', 'outcome', 'statusCode', 'error', 'contactId', 'response'],
    properties: {
      attempt: { type: 'integer', minimum: 1 },
      startedAt: { type: 'string', format: 'date-time' },
      finishedAt: { type: 'string', format: 'date-time' },
      ms: { type: 'integer' },
      outcome: { type: 'string', enum: ['done', 'retry', 'dead'] },
      statusCode: nullable('integer', { description: "HighLevel's HTTP status; null when no answer came" }),
      error: nullable('string'),
      contactId: nullable('string'),
      response: { description: "HighLevel's response body as received (tokens scrubbed)" },
    },
  },
  TrailJob: {
    type: 'object',
    required: [
      'id',
      'location',
      'contact',
      'contactId',
      'add',
      'remove',
      'status',
      'attempts',
      'lastError',
      'nextAttemptAt',
      'trail',
    ],
    properties: {
      id: { type: 'integer' },
      location: { type: 'string' },
      contact: ref('Contact'),
      contactId: nullable('string'),
      add: stringList,
      remove: stringList,
      status: { type: 'string', enum: ['pending', 'done', 'dead'] },
      attempts: { type: 'integer' },
      lastError: nullable('string'),
      nextAttemptAt: nullable('string', { format: 'date-time' }),
      trail: { type: 'array', items: ref('Attempt') },
    },
  },
  EventTrail: {
    type: 'object',
    required: ['id', 'source', 'receivedAt', 'status', 'request', 'verification', 'rules', 'intents', 'jobs'],
    properties: {
      id: { type: 'string' },
      source: { type: 'string' },
      receivedAt: { type: 'string', format: 'date-time' },
      status: ref('EventStatus'),
      request: {
        type: 'object',
        required: ['headers', 'body'],
        properties: {
          headers: {
            type: 'object',
            additionalProperties: { type: 'string' },
            description: 'as received, secrets replaced by [redacted]',
          },
          body: { description: 'the parsed body' },
        },
      },
      verification: {
        type: 'object',
        required: ['verified', 'method'],
        properties: {
          verified: { type: 'boolean' },
          method: nullable('string', { description: 'the source verify.type' }),
        },
      },
      rules: {
        type: 'object',
        required: ['version', 'tags', 'trace', 'traceFrom', 'unmatched', 'explanation'],
        properties: {
          version: nullable('string'),
          tags: stringList,
          trace: { type: 'array', items: { type: 'object' } },
          traceFrom: {
            type: 'string',
            enum: ['stored', 'recomputed', 'unavailable'],
            description: 'recomputed: evaluated again with the recorded rule set that judged the event',
          },
          unmatched: { type: 'array', items: { type: 'object' } },
          explanation: { type: 'string' },
        },
      },
      intents: { type: 'array', items: ref('Intent') },
      jobs: { type: 'array', items: ref('TrailJob') },
    },
  },
  RateLimit: {
    type: 'object',
    required: ['max', 'remaining', 'intervalMs', 'dailyLimit', 'dailyRemaining'],
    properties: {
      max: nullable('integer'),
      remaining: nullable('integer'),
      intervalMs: nullable('integer'),
      dailyLimit: nullable('integer'),
      dailyRemaining: nullable('integer'),
    },
  },
  LocationStatus: {
    type: 'object',
    required: ['name', 'locationId', 'queue', 'rateLimit', 'paused', 'pausedReason', 'auth'],
    properties: {
      name: { type: 'string' },
      locationId: { type: 'string' },
      queue: {
        type: 'object',
        required: ['pending', 'dead', 'oldestPendingAt', 'oldestPendingAgeSec'],
        properties: {
          pending: { type: 'integer' },
          dead: { type: 'integer' },
          oldestPendingAt: nullable('string', { format: 'date-time' }),
          oldestPendingAgeSec: { type: 'integer' },
        },
      },
      rateLimit: {
        oneOf: [ref('RateLimit'), { type: 'null' }],
        description: 'from the last HighLevel answer for this location; null before the first call',
      },
      paused: { type: 'boolean' },
      pausedReason: nullable('string'),
      auth: {
        type: 'object',
        required: ['type', 'state'],
        properties: {
          type: { type: 'string', enum: ['private-integration', 'oauth'] },
          state: { type: 'string' },
          accessTokenExpiresAt: nullable('string', { format: 'date-time' }),
          refreshedAt: nullable('string', { format: 'date-time' }),
        },
      },
    },
  },
  RulesTestRequest: {
    type: 'object',
    required: ['source', 'payload'],
    additionalProperties: false,
    properties: {
      source: { type: 'string' },
      payload: { description: 'a sample body as the sender would post it' },
      headers: { type: 'object' },
      query: { type: 'object' },
    },
  },
  RulesTestResult: {
    type: 'object',
    required: ['rulesVersion', 'source', 'tags', 'intents', 'unmatched', 'trace', 'explanation'],
    properties: {
      rulesVersion: { type: 'string' },
      source: { type: 'string' },
      tags: stringList,
      intents: { type: 'array', items: ref('Intent') },
      unmatched: { type: 'array', items: { type: 'object' } },
      trace: { type: 'array', items: { type: 'object' } },
      explanation: { type: 'string' },
    },
  },
  DeadLetter: {
    type: 'object',
    description: 'a job that will not be retried, with its event id and last error',
    properties: {
      id: { type: 'integer' },
      eventId: { type: 'string' },
      location: { type: 'string' },
      contact: ref('Contact'),
      add: stringList,
      remove: stringList,
      attempts: { type: 'integer' },
      lastError: nullable('string'),
      deadSince: { type: 'string', format: 'date-time', description: 'when the attempt that made it dead ended' },
    },
  },
}

const ERROR_TEXT: Record<number, string> = {
  400: 'invalid query or body',
  401: 'missing or wrong admin token',
  404: 'not found (or admin disabled: no admin.token)',
}

const REPLAYED = {
  type: 'object',
  required: ['replayed'],
  properties: { replayed: { type: 'array', items: { type: 'integer' } } },
} as const
/**
 * The admin API's OpenAPI 3.1 document, written by hand beside the routes. Why by hand:
 * the routes validate with zod and answer plain objects, and a generator would need
 * every route rewritten around it; a test keeps the document honest instead (valid
 * OpenAPI, every listed route served). The dead-letter routes are served by the
 * delivery engine's admin routes; they are described here so there is one document.
 */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'tagrelay admin API',
    version: '1',
    description:
      'Every route needs `Authorization: Bearer <admin.token>` (401 without; 404 TAGRELAY_ADMIN_DISABLED when no token is configured).',
  },
  servers: [{ url: '/' }],
  security: [{ adminToken: [] }],
  paths: {
    '/admin/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        responses: { 200: json({ type: 'object' }, 'the OpenAPI document'), ...errors(401) },
      },
    },
    '/admin/events': {
      get: {
        operationId: 'listEvents',
        summary: 'Stored events, newest first',
        parameters: [
          { name: 'source', in: 'query', schema: { type: 'string' } },
          { name: 'status', in: 'query', schema: ref('EventStatus') },
          {
            name: 'contact',
            in: 'query',
            description: 'a HighLevel contact id, an email (any case) or an E.164 phone',
            schema: { type: 'string' },
          },
          {
            name: 'since',
            in: 'query',
            description: 'ISO 8601 date-time or epoch ms, inclusive',
            schema: { type: 'string' },
          },
          {
            name: 'until',
            in: 'query',
            description: 'ISO 8601 date-time or epoch ms, exclusive',
            schema: { type: 'string' },
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
          { name: 'cursor', in: 'query', description: 'nextCursor of the previous page', schema: { type: 'string' } },
        ],
        responses: { 200: json(ref('EventList'), 'one page'), ...errors(400, 401) },
      },
    },
    '/admin/events/{id}': {
      get: {
        operationId: 'getEventTrail',
        summary: "One event's trail, from receipt to HighLevel's answers",
        parameters: [idParam('the event id (the `id` of the 202 answer)')],
        responses: { 200: json(ref('EventTrail'), 'the trail'), ...errors(401, 404) },
      },
    },
    '/admin/locations': {
      get: {
        operationId: 'listLocations',
        summary: 'Per-location queue, rate budget, pause state and auth state',
        responses: {
          200: json(
            {
              type: 'object',
              required: ['locations'],
              properties: { locations: { type: 'array', items: ref('LocationStatus') } },
            },
            'every configured location',
          ),
          ...errors(401),
        },
      },
    },
    '/admin/rules/test': {
      post: {
        operationId: 'testRules',
        summary: 'Evaluate the running rules on a sample payload (stores and delivers nothing)',
        requestBody: { required: true, content: { 'application/json': { schema: ref('RulesTestRequest') } } },
        responses: { 200: json(ref('RulesTestResult'), 'the evaluation'), ...errors(400, 401, 404) },
      },
    },
    '/admin/dead-letters': {
      get: {
        operationId: 'listDeadLetters',
        summary: 'Jobs that will not be retried, oldest first (keyset on the job id)',
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          {
            name: 'after',
            in: 'query',
            description: 'the `next` of the previous page',
            schema: { type: 'integer', minimum: 0 },
          },
          { name: 'location', in: 'query', schema: { type: 'string' } },
        ],
        responses: {
          200: json(
            {
              type: 'object',
              required: ['items', 'next'],
              properties: { items: { type: 'array', items: { type: 'object' } }, next: { type: ['integer', 'null'] } },
            },
            'the dead letters',
          ),
          ...errors(400, 401),
        },
      },
    },
    '/admin/dead-letters/{id}': {
      get: {
        operationId: 'getDeadLetter',
        summary: 'One dead letter with its attempts',
        parameters: [idParam('the job id')],
        responses: { 200: json(ref('DeadLetter'), 'the dead letter'), ...errors(401, 404) },
      },
      delete: {
        operationId: 'discardDeadLetter',
        summary: 'Discard a dead letter (the event stays)',
        parameters: [idParam('the job id')],
        responses: { 204: { description: 'discarded' }, ...errors(401, 404) },
      },
    },
    '/admin/dead-letters/{id}/replay': {
      post: {
        operationId: 'replayDeadLetter',
        summary: 'Queue one dead letter again',
        parameters: [idParam('the job id')],
        responses: { 200: json(REPLAYED, 'the job ids queued again'), ...errors(401, 404) },
      },
    },
    '/admin/dead-letters/replay': {
      post: {
        operationId: 'replayDeadLetters',
        summary: 'Queue several or all dead letters again',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                oneOf: [
                  {
                    type: 'object',
                    required: ['ids'],
                    additionalProperties: false,
                    properties: { ids: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 1 } } },
                  },
                  {
                    type: 'object',
                    required: ['all'],
                    additionalProperties: false,
                    properties: { all: { const: true } },
                  },
                ],
              },
            },
          },
        },
        responses: { 200: json(REPLAYED, 'the job ids queued again'), ...errors(400, 401) },
      },
    },
  },
  components: {
    securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'admin.token from the config' } },
    responses: Object.fromEntries([400, 401, 404].map((c) => [`E${c}`, json(ref('Error'), ERROR_TEXT[c] as string)])),
    schemas,
  },
} as const

/** GET /admin/openapi.json (behind the admin token like the rest). */
export function openApiRoute(app: FastifyInstance): void {
  app.get('/admin/openapi.json', async () => openApiDocument)
}
