import { errors, idParam, json, nullable, stringList, type Json } from './common.js'

const summary: Json = {
  type: 'object',
  required: ['id', 'source', 'receivedAt', 'code', 'contacts', 'bytes', 'status', 'reverifiedAt', 'reverifyCode'],
  properties: {
    id: { type: 'string', description: 'the id the 401 was logged with; the event id once accepted' },
    source: { type: 'string' },
    receivedAt: { type: 'string', format: 'date-time' },
    code: { type: 'string', description: 'why it was refused (TAGRELAY_BAD_SIGNATURE, TAGRELAY_BAD_TOKEN, ...)' },
    contacts: { ...stringList, description: 'emails and phones found in the body (a guess: no rule ran)' },
    bytes: { type: 'integer' },
    status: { type: 'string', enum: ['refused', 'accepted'] },
    reverifiedAt: nullable('string', { format: 'date-time' }),
    reverifyCode: nullable('string', { description: 'the refusal code of the last failed re-verify' }),
    location: nullable('string', { description: 'the location its source delivers to (list only)' }),
    eventId: nullable('string', { description: 'the event it became once accepted (list only)' }),
  },
}

const detail: Json = {
  allOf: [
    summary,
    {
      type: 'object',
      required: ['method', 'url', 'headers', 'query', 'body', 'bodyEncoding'],
      properties: {
        method: { type: 'string' },
        url: { type: 'string', description: 'credential query values redacted' },
        headers: { type: 'object', description: 'credential and signature values redacted' },
        query: { type: 'object' },
        body: { type: 'string' },
        bodyEncoding: { type: 'string', enum: ['utf-8', 'base64'] },
      },
    },
  ],
}

/** /admin/refused routes, merged into the document's paths. */
export const refusedPaths: Record<string, Json> = {
  '/admin/refused': {
    get: {
      operationId: 'listRefused',
      summary: 'Requests refused for a signature or token, kept for a second look, newest first',
      parameters: [
        { name: 'source', in: 'query', schema: { type: 'string' } },
        { name: 'code', in: 'query', schema: { type: 'string' } },
        { name: 'status', in: 'query', schema: { type: 'string', enum: ['refused', 'accepted'] } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        { name: 'cursor', in: 'query', description: 'nextCursor of the previous page', schema: { type: 'string' } },
      ],
      responses: {
        200: json(
          {
            type: 'object',
            required: ['items', 'nextCursor'],
            properties: { items: { type: 'array', items: summary }, nextCursor: nullable('string') },
          },
          'one page',
        ),
        ...errors(400, 401),
      },
    },
  },
  '/admin/refused/{id}': {
    get: {
      operationId: 'getRefused',
      summary: 'One kept refused request: headers (credentials redacted) and body',
      parameters: [idParam('the refused request id')],
      responses: { 200: json(detail, 'the kept request'), ...errors(401, 404) },
    },
  },
  '/admin/refused/{id}/reverify': {
    post: {
      operationId: 'reverifyRefused',
      summary: 'Verify the kept bytes again with the secrets configured now; accept the event if they verify',
      description:
        'Timestamps are judged at the original receipt time. On success the request becomes an ordinary event ' +
        'with the same id (dedupe applies: a copy already accepted answers duplicate: true). 409 when already ' +
        'accepted; 422 TAGRELAY_STILL_REFUSED when it still does not verify (nothing stored).',
      parameters: [idParam('the refused request id')],
      responses: {
        200: json(
          {
            type: 'object',
            required: ['id', 'verified', 'eventId', 'duplicate', 'tags', 'rules'],
            properties: {
              id: { type: 'string' },
              verified: { const: true },
              eventId: { type: 'string', description: 'the event (the first one when duplicate)' },
              duplicate: { type: 'boolean' },
              tags: stringList,
              rules: stringList,
            },
          },
          'accepted as an event',
        ),
        409: json({ $ref: '#/components/schemas/Error' }, 'already accepted'),
        422: json({ $ref: '#/components/schemas/Error' }, 'still refused'),
        ...errors(401, 404),
      },
    },
  },
}
