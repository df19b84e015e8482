import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../app.js'

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
    return { status: 'ready', store: deps.store.kind, rules: rules.version, ruleCount: rules.count }
  })
}
