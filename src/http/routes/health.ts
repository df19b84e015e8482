import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.js'

export function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }))

  /** Ready when the store answers and rules are loaded; orchestrators route traffic on this. */
  app.get('/readyz', async (_request, reply) => {
    const rules = deps.rules()
    try {
      await deps.store.ping()
    } catch (err) {
      reply.log.warn({ err }, 'readiness: store unreachable')
      return reply.code(503).send({ status: 'unavailable', store: 'unreachable', rules: rules.version })
    }
    // a paused location is a detail, not unreadiness: events are still accepted and kept
    const paused = (deps.delivery?.locations() ?? [])
      .filter((l) => l.paused)
      .map((l) => ({
        locationId: l.locationId,
        reason: l.reason,
        until: l.pausedUntil === null ? null : new Date(l.pausedUntil).toISOString(),
      }))
    return {
      status: 'ready',
      store: deps.store.kind,
      rules: rules.version,
      ruleCount: rules.count,
      ...(paused.length > 0 ? { pausedLocations: paused } : {}),
    }
  })
}
