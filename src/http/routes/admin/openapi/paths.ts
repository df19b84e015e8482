import { errors, idParam, json, ref, REPLAYED, type Json } from './common.js'
import { alertPaths } from './alerts.js'
import { refusedPaths } from './refused.js'
import { consolePaths } from './console.js'
import { rerunPaths } from './rerun.js'
import { ssoPaths } from './sso.js'
import { consoleUxPaths, deadFilterParams } from './console-ux.js'

/** Every admin route, by path and method. */
export const paths: Record<string, Json> = {
  ...rerunPaths,
  ...refusedPaths,
  ...alertPaths,
  ...consolePaths,
  ...consoleUxPaths,
  ...ssoPaths,
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
        ...['location', 'rule', 'tag'].map((name) => ({
          name,
          in: 'query',
          description: `events with this ${name} (${name === 'location' ? 'a job delivers to it' : name === 'rule' ? 'it matched' : 'they asked for'})`,
          schema: { type: 'string' },
        })),
        {
          name: 'ruleOutcome',
          in: 'query',
          description:
            'with rule: events it matched (default) or events of its source it did not match; names match in any case',
          schema: { type: 'string', enum: ['matched', 'missed'], default: 'matched' },
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
      parameters: [
        idParam('the event id (the `id` of the 202 answer)'),
        {
          name: 'tag',
          in: 'query',
          description: 'a tag the person expected: answered first as `whyTag`',
          schema: { type: 'string' },
        },
      ],
      responses: { 200: json(ref('EventTrail'), 'the trail'), ...errors(401, 404) },
    },
  },
  '/admin/locations': {
    get: {
      operationId: 'listLocations',
      summary: 'Per-location queue, rate budget, pause state and auth state (YAML and installed locations, paged)',
      parameters: [
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 500 } },
        { name: 'after', in: 'query', description: 'next of the previous page', schema: { type: 'string' } },
        {
          name: 'sort',
          in: 'query',
          description: 'attention (default): held back and failing first, then with dead letters, then pending',
          schema: { type: 'string', enum: ['attention', 'name', 'pending', 'dead', 'oldest'] },
        },
        { name: 'order', in: 'query', schema: { type: 'string', enum: ['asc', 'desc'] } },
        { name: 'q', in: 'query', description: 'names containing this, any case', schema: { type: 'string' } },
      ],
      responses: {
        200: json(
          {
            type: 'object',
            required: ['locations'],
            properties: {
              locations: { type: 'array', items: ref('LocationStatus') },
              next: { type: 'string', description: 'the after of the next page; absent on the last' },
              total: { type: 'integer', description: 'how many locations match (every page)' },
            },
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
        ...deadFilterParams,
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
}
