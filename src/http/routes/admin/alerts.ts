import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { formatIssues } from '../../../config/index.js'
import type { Alert } from '../../../store/index.js'
import type { RouteDeps } from '../../deps.js'
import { AdminBadRequestError } from './errors.js'
import { iso } from './times.js'
import { requireScopeAll } from './scope-guard.js'

const listQuery = z.strictObject({
  status: z.enum(['pending', 'sent', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.coerce.number().int().positive().optional(),
})

const alertOut = (a: Alert): Record<string, unknown> => ({
  id: a.id,
  destination: a.destination,
  kind: a.kind,
  subject: a.subject,
  state: a.state,
  status: a.status,
  attempts: a.attempts,
  lastError: a.lastError,
  createdAt: iso(a.createdAt),
  nextAt: a.status === 'pending' ? iso(a.nextAt) : null,
  sentAt: iso(a.sentAt),
  message: a.payload,
})

/** GET /admin/alerts: the alert outbox, newest first (pending, sent, and failed after their retries). */
export function alertRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/admin/alerts', async (request) => {
    requireScopeAll(request, 'the alerts of the whole service: reading them')
    const parsed = listQuery.safeParse(request.query ?? {})
    if (!parsed.success)
      throw new AdminBadRequestError(`invalid request: ${formatIssues(parsed.error.issues).join('; ')}`)
    const q = parsed.data
    const rows = await deps.store.alerts.list({
      limit: q.limit,
      ...(q.status ? { status: q.status } : {}),
      ...(q.cursor ? { before: q.cursor } : {}),
    })
    return { items: rows.map(alertOut), nextCursor: rows.length === q.limit ? (rows.at(-1)?.id ?? null) : null }
  })
}
