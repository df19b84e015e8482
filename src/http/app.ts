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
import { frameGuard } from './plugins/frame-guard.js'
import { refuseWhileClosing } from './plugins/shutting-down.js'

/** The path of a request target, origin-form (`/hooks/web`) or absolute-form (`http://host/hooks/web`). */
const pathOf = (url: string): string => url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '')
const isHook = (url: string | undefined): boolean => url !== undefined && pathOf(url).startsWith('/hooks/')

/** Builds the HTTP shell over the domain modules; listening is the caller's business. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // one line per request, written by our onResponse hook with the event id on it
    logController: new LogController({ disableRequestLogging: true }),
    // every request id is a UUIDv7, unique across restarts and replicas: a webhook's is its
    // event id (the events table's key), logged as `eventId` from the request's first line.
    // Why not a counter for the others: an absolute-form target (`POST http://host/hooks/web`)
    // is routed like `/hooks/web`, and `req-1` again after a restart collided with a stored event
    genReqId: () => eventId(),
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
  frameGuard(app)
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
    ruleSets: deps.ruleSets ?? new RuleSetRecorder(deps.store.ruleSets),
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
