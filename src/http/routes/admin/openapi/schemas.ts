import { codes } from '../../../../errors.js'
import { eventListExtra, whoWhere, whyTagSchema } from './console-ux.js'
import { nullable, ref, stringList, type Json } from './common.js'

/** The admin API's answer and body shapes (components.schemas). */
export const schemas: Record<string, Json> = {
  Error: {
    type: 'object',
    required: ['statusCode', 'code', 'message'],
    properties: {
      statusCode: { type: 'integer' },
      code: { type: 'string', examples: [codes.TAGRELAY_ADMIN_UNAUTHORIZED] },
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
    required: ['id', 'source', 'receivedAt', 'tags', 'removed', 'status', 'jobCount'],
    properties: {
      id: { type: 'string' },
      source: { type: 'string' },
      receivedAt: { type: 'string', format: 'date-time' },
      tags: stringList,
      removed: { ...stringList, description: 'tags its jobs remove, each once' },
      status: ref('EventStatus'),
      jobCount: { type: 'integer' },
      ...whoWhere,
    },
  },
  EventList: {
    type: 'object',
    required: ['events', 'nextCursor'],
    properties: {
      events: { type: 'array', items: ref('EventSummary') },
      nextCursor: nullable('string', { description: 'pass as `cursor` for the next page; null on the last page' }),
      ...eventListExtra,
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
      rateLimit: {
        oneOf: [{ type: 'null' }, ref('RateLimit')],
        description: "HighLevel's rate-limit headers last seen for the location when the attempt ended",
      },
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
      ...whoWhere,
      whyTag: whyTagSchema,
      why: {
        type: 'string',
        description: 'one sentence: what was added and when, what waits and why, which rule missed and on what value',
      },
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
          refusedFirst: {
            type: 'object',
            description: 'present when the request was refused first and accepted by POST /admin/refused/{id}/reverify',
            required: ['code', 'reverifiedAt'],
            properties: { code: { type: 'string' }, reverifiedAt: nullable('string', { format: 'date-time' }) },
          },
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
      reruns: {
        type: 'array',
        description: 'every re-run of the event: when, by whom, the rules version, what it changed',
        items: {
          type: 'object',
          required: ['at', 'by', 'rulesVersion', 'changes'],
          properties: {
            at: { type: 'string', format: 'date-time' },
            by: { type: 'string' },
            rulesVersion: { type: 'string' },
            changes: { type: 'object' },
          },
        },
      },
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
      lookups: {
        type: 'string',
        description:
          'how people are looked up at this location: batched Search Contacts, or duplicate searches after the endpoint was refused',
      },
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
