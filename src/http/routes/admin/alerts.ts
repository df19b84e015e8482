import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Alert } from '../../../store/index.js'
import type { RouteDeps } from '../../deps.js'
import { iso } from './times.js'
import { scopeAll } from './scope-guard.js'
import { listAlerts } from './schemas/alerts.js'

const alertOut = (a: Alert) => ({
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
  message: a.payload as Record<string, unknown>,
})

/** GET /admin/alerts: the alert outbox, newest first (pending, sent, and failed after their retries). */
export function alertRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const preValidation = scopeAll('the alerts of the whole service: reading them')
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/admin/alerts', { schema: listAlerts, preValidation }, async (request) => {
      const q = request.query
      const rows = await deps.store.alerts.list({
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.cursor ? { before: q.cursor } : {}),
      })
      return { items: rows.map(alertOut), nextCursor: rows.length === q.limit ? (rows.at(-1)?.id ?? null) : null }
    })
}
