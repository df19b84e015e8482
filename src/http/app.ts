import sensible from '@fastify/sensible'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { RejectionCounter } from '../common/rejections.js'
import { Metrics } from '../metrics/index.js'
import { eventId } from '../common/event-id.js'
import { RefusedKeeper } from '../refused/index.js'
import { RuleSetRecorder } from '../rules/index.js'
import type { AppDeps, RouteDeps } from './deps.js'
import { installErrorHandler } from './error-handler.js'
import { serverTimeouts } from './timeouts.js'
import { consoleRoutes } from '../console/index.js'
import { adminRoutes } from './routes/admin/index.js'
import { healthRoutes } from './routes/health.js'
import { hookMetrics } from './plugins/request-metrics.js'
import { hookRoutes } from './routes/hooks.js'
import { oauthRoutes } from './routes/oauth.js'
import { metricsRoute } from './routes/metrics.js'
import { registerBackpressure } from './plugins/backpressure.js'
import { refuseWhileClosing } from './plugins/shutting-down.js'

let requestCount = 0
const isHook = (url: string | undefined): boolean => url?.startsWith('/hooks/') === true

/** Builds the HTTP shell over the domain modules; listening is the caller's business. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // one line per request, written by our onResponse hook with the event id on it
    logController: new LogController({ disableRequestLogging: true }),
    // a webhook's request id is its event id (UUIDv7), logged as `eventId` from the
    // request's first line; one child logger per request, not two
    genReqId: (req) => (isHook(req.url) ? eventId() : `req-${(requestCount = (requestCount + 1) % 1e9).toString(36)}`),
    childLoggerFactory: (logger, bindings, opts, req) =>
      logger.child(isHook(req.url) ? { eventId: (bindings as { reqId: string }).reqId } : bindings, opts),
    requestTimeout: deps.config.server.requestTimeoutMs,
    http: serverTimeouts(deps.config.server),
    bodyLimit: deps.config.server.bodyLimit,
    // our own 503 while closing (shutting-down.ts), in the usual error shape
    return503OnClosing: false,
  })
  await app.register(sensible)
  const rejections = deps.rejections ?? new RejectionCounter()
  // route params are attacker-chosen: count only configured names
  const sourceOf = (name: string | undefined): string =>
    name !== undefined && deps.sources.names().includes(name) ? name : '(unknown)'
  installErrorHandler(app, { rejections, sourceOf })
  refuseWhileClosing(app)
  const locations = Object.fromEntries(
    Object.entries(deps.config.highlevel.locations).map(([name, l]) => [name, l.locationId]),
  )
  const metrics =
    deps.metrics ??
    new Metrics({
      store: deps.store,
      rejections,
      locations,
      rateLimits: deps.rateLimits,
      pauses: deps.delivery,
      locationLabels: deps.config.metrics.locationLabels,
    })
  const routeDeps: RouteDeps = {
    ...deps,
    metrics,
    rejections,
    ruleSets: deps.ruleSets ?? new RuleSetRecorder(deps.store),
    refusedKeeper:
      deps.refusedKeeper ??
      new RefusedKeeper({
        store: deps.store.refused,
        config: deps.config.refused,
        logger: deps.logger,
        metrics: metrics.ops,
      }),
  }
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ req: request, res: reply, ms: Math.round(reply.elapsedTime) }, 'request completed')
  })
  healthRoutes(app, deps)
  metricsRoute(app, metrics, deps.config.metrics)
  await app.register(async (hooks) => {
    await registerBackpressure(hooks, deps.config.overload)
    hookMetrics(hooks, metrics, sourceOf)
    hookRoutes(hooks, routeDeps)
  })
  await app.register(async (oauth) => oauthRoutes(oauth, routeDeps))
  await app.register(async (admin) => adminRoutes(admin, routeDeps))
  await app.register(async (console) => consoleRoutes(console, deps.config))
  return app
}
