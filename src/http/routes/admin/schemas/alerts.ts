import { z } from 'zod'
import { errors, isoTime, json, nullableTime } from './common.js'

const Alert = z.object({
  id: z.number().int(),
  destination: z.string().describe('the name under alerts.destinations'),
  kind: z.string().describe('dead_letters, location_held, refusals, oldest_pending, contacts_awaited or test'),
  subject: z.string().describe('a location, a source, or *'),
  state: z.string().describe('firing, resolved, digest or test'),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: isoTime,
  nextAt: nullableTime.describe('the next try of a pending alert'),
  sentAt: nullableTime,
  message: z.record(z.string(), z.unknown()).describe('the alert as sent (title, text, details, links)'),
})

/** GET /admin/alerts */
export const listAlerts = {
  operationId: 'listAlerts',
  summary: 'Alerts queued, sent and failed (one per destination), newest first',
  querystring: z.strictObject({
    status: z.enum(['pending', 'sent', 'failed']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.coerce.number().int().positive().optional().describe('nextCursor of the previous page'),
  }),
  response: {
    200: json(z.object({ items: z.array(Alert), nextCursor: z.number().int().nullable() }), 'one page'),
    ...errors(400, 401, 403),
  },
}
