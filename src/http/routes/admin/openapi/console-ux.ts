import { errors, json, nullable, ref, stringList, type Json } from './common.js'

/** The dead-letter filters beside the location: cause, source, rule, age. */
export const deadFilterParams: Json[] = [
  { name: 'location', in: 'query', schema: { type: 'string' } },
  {
    name: 'code',
    in: 'query',
    description: 'the error code, e.g. TAGRELAY_CONTACT_NOT_FOUND',
    schema: { type: 'string' },
  },
  { name: 'source', in: 'query', description: 'the source of the rules that made the job', schema: { type: 'string' } },
  { name: 'rule', in: 'query', description: 'a rule that made the job', schema: { type: 'string' } },
  {
    name: 'olderThanMinutes',
    in: 'query',
    description: 'dead for at least this many minutes',
    schema: { type: 'integer', minimum: 0 },
  },
]

const idList = (type: string, max: number): Json => ({
  type: 'object',
  required: ['ids'],
  additionalProperties: false,
  properties: { ids: { type: 'array', minItems: 1, maxItems: max, items: { type } } },
})
const body = (schema: Json): Json => ({ required: true, content: { 'application/json': { schema } } })

/** Routes the console's filters, banners and bulk actions use (the console does nothing the API cannot). */
export const consoleUxPaths: Record<string, Json> = {
  '/admin/suggestions': {
    get: {
      operationId: 'getSuggestions',
      summary: 'The names filters can take: sources, locations (capped), rules with their source, static tags',
      responses: {
        200: json(
          {
            type: 'object',
            required: ['sources', 'locations', 'locationCount', 'rules', 'tags'],
            properties: {
              sources: stringList,
              locations: stringList,
              locationCount: { type: 'integer', description: 'how many locations exist (the list is capped at 2,000)' },
              rules: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['name', 'source'],
                  properties: { name: { type: 'string' }, source: { type: 'string' } },
                },
              },
              tags: { ...stringList, description: 'tags the rules write as plain text (templates left out)' },
            },
          },
          'the names',
        ),
        ...errors(401),
      },
    },
  },
  '/admin/dead-letters/groups': {
    get: {
      operationId: 'groupDeadLetters',
      summary: 'Dead letters that match the filters, grouped by cause and location, biggest first',
      parameters: deadFilterParams,
      responses: {
        200: json(
          {
            type: 'object',
            required: ['groups'],
            properties: {
              groups: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['code', 'location', 'reason', 'count'],
                  properties: {
                    code: nullable('string'),
                    location: { type: 'string' },
                    reason: { type: 'string', description: 'the cause in plain words' },
                    count: { type: 'integer', minimum: 1 },
                  },
                },
              },
            },
          },
          'the groups',
        ),
        ...errors(400, 401),
      },
    },
  },
  '/admin/dead-letters/discard': {
    post: {
      operationId: 'discardDeadLetters',
      summary: 'Discard several dead letters (their events stay); ids no longer dead are skipped',
      requestBody: body(idList('integer', 1000)),
      responses: {
        200: json(
          {
            type: 'object',
            required: ['discarded'],
            properties: { discarded: { type: 'array', items: { type: 'integer' } } },
          },
          'the job ids discarded',
        ),
        ...errors(400, 401),
      },
    },
  },
  '/admin/refused/recent': {
    get: {
      operationId: 'recentRefusals',
      summary: 'Per source, the requests still refused in the last `minutes`, since when, and the usual code',
      parameters: [
        { name: 'minutes', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10080, default: 1440 } },
      ],
      responses: {
        200: json(
          {
            type: 'object',
            required: ['since', 'sources'],
            properties: {
              since: { type: 'string', format: 'date-time' },
              sources: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['source', 'count', 'firstAt', 'code'],
                  properties: {
                    source: { type: 'string' },
                    count: { type: 'integer' },
                    firstAt: { type: 'string', format: 'date-time' },
                    code: { type: 'string' },
                  },
                },
              },
            },
          },
          'the refusals by source',
        ),
        ...errors(400, 401),
      },
    },
  },
  '/admin/refused/reverify': {
    post: {
      operationId: 'reverifyRefusedMany',
      summary: 'Re-verify up to 100 kept requests; each is answered on its own',
      requestBody: body(idList('string', 100)),
      responses: {
        200: json(
          {
            type: 'object',
            required: ['results'],
            properties: {
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'verified'],
                  properties: {
                    id: { type: 'string' },
                    verified: { type: 'boolean' },
                    eventId: { type: 'string', description: 'when accepted: the event (same id)' },
                    code: { type: 'string', description: 'when not: why (TAGRELAY_STILL_REFUSED, ...)' },
                    message: { type: 'string' },
                  },
                },
              },
            },
          },
          'one result per id',
        ),
        ...errors(400, 401),
      },
    },
  },
}

/** What the event list and the trail add for the console: who and where, warnings, the answer about one tag. */
export const eventListExtra: Json = {
  warnings: { ...stringList, description: 'names that exist nowhere (a filter then finds nothing), with near ones' },
}
export const whoWhere: Json = {
  contact: ref('Contact'),
  location: nullable('string', { description: 'the location of its first job, else its source’s' }),
}
export const whyTagSchema: Json = {
  type: 'object',
  required: ['tag', 'outcome', 'sentence', 'code', 'rules'],
  description: 'with ?tag=: the answer about that tag first',
  properties: {
    tag: { type: 'string' },
    outcome: { type: 'string', enum: ['added', 'waiting', 'failed', 'not-added'] },
    sentence: { type: 'string', description: 'plain words; names in backticks' },
    code: nullable('string'),
    rules: { ...stringList, description: 'the rules that add this tag' },
  },
}
