import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config/index.js'
import type { Metrics } from '../../metrics/index.js'
import { AdminUnauthorizedError } from './admin/errors.js'

const digest = (s: string): Buffer => createHash('sha256').update(s).digest()

/**
 * GET /metrics in Prometheus text format. Why not behind the admin token: scrapers are
 * configured by other people than admins, and the admin token can replay dead letters.
 * `metrics.token` puts it behind its own bearer token; `metrics.enabled: false` removes it.
 */
export function metricsRoute(app: FastifyInstance, metrics: Metrics, config: Config['metrics']): void {
  if (!config.enabled) return
  const expected = config.token === undefined ? undefined : digest(config.token)
  app.get('/metrics', async (request, reply) => {
    if (expected) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
      if (!m || !timingSafeEqual(digest(m[1] as string), expected)) {
        reply.header('www-authenticate', 'Bearer realm="tagrelay metrics"')
        throw new AdminUnauthorizedError('/metrics needs Authorization: Bearer <metrics.token>')
      }
    }
    return reply.type(metrics.contentType).send(await metrics.text())
  })
}
