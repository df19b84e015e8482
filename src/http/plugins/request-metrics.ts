import type { FastifyInstance } from 'fastify'
import type { Metrics } from '../../metrics/index.js'

/** A finished /hooks request's outcome label, from its status code (503: overloaded or shutting down). */
function outcomeOf(method: string, status: number): string {
  if (method === 'GET') return status === 200 ? 'handshake' : 'rejected'
  if (status === 202) return 'accepted'
  if (status === 200) return 'duplicate'
  if (status === 503) return 'unavailable'
  return status >= 500 ? 'error' : 'rejected'
}

/** Counts every /hooks request and times the accepted ones (registered in the hooks context). */
export function hookMetrics(
  app: FastifyInstance,
  metrics: Metrics,
  sourceOf: (param: string | undefined) => string,
): void {
  app.addHook('onResponse', async (request, reply) => {
    const source = sourceOf((request.params as { source?: string } | undefined)?.source)
    metrics.requests.inc({ source, outcome: outcomeOf(request.method, reply.statusCode) })
    if (reply.statusCode === 202) metrics.ingestSeconds.observe({ source }, reply.elapsedTime / 1000)
  })
}
