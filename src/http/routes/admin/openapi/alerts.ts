import { errors, json, nullable, type Json } from './common.js'

const alert: Json = {
  type: 'object',
  required: [
    'id',
    'destination',
    'kind',
    'subject',
    'state',
    'status',
    'attempts',
    'lastError',
    'createdAt',
    'nextAt',
    'sentAt',
    'message',
  ],
  properties: {
    id: { type: 'integer' },
    destination: { type: 'string', description: 'the name under alerts.destinations' },
    kind: {
      type: 'string',
      enum: ['dead_letters', 'location_held', 'refusals', 'oldest_pending', 'contacts_awaited', 'test'],
    },
    subject: { type: 'string', description: 'a location, a source, or *' },
    state: { type: 'string', enum: ['firing', 'resolved', 'digest', 'test'] },
    status: { type: 'string', enum: ['pending', 'sent', 'failed'] },
    attempts: { type: 'integer' },
    lastError: nullable('string'),
    createdAt: { type: 'string', format: 'date-time' },
    nextAt: nullable('string', { format: 'date-time', description: 'the next try of a pending alert' }),
    sentAt: nullable('string', { format: 'date-time' }),
    message: { type: 'object', description: 'the alert as sent (title, text, details, links)' },
  },
}

/** GET /admin/alerts, merged into the document's paths. */
export const alertPaths: Record<string, Json> = {
  '/admin/alerts': {
    get: {
      operationId: 'listAlerts',
      summary: 'Alerts queued, sent and failed (one per destination), newest first',
      parameters: [
        { name: 'status', in: 'query', schema: { type: 'string', enum: ['pending', 'sent', 'failed'] } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        { name: 'cursor', in: 'query', description: 'nextCursor of the previous page', schema: { type: 'integer' } },
      ],
      responses: {
        200: json(
          {
            type: 'object',
            required: ['items', 'nextCursor'],
            properties: { items: { type: 'array', items: alert }, nextCursor: nullable('integer') },
          },
          'one page',
        ),
        ...errors(400, 401),
      },
    },
  },
}
