import sensible from '@fastify/sensible'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { RejectionCounter } from '../common/rejections.js'
import type { Config } from '../config/index.js'
import { Metrics, type RateBudgetSource } from '../metrics/index.js'
import { eventId } from '../common/event-id.js'
import { RuleSetRecorder, type CompiledRules } from '../rules/index.js'
import type { SourceRegistry } from '../sources/index.js'
import type { Store } from '../store/index.js'
import { installErrorHandler } from './error-handler.js'
import { adminRoutes } from './routes/admin/index.js'
import { healthRoutes } from './routes/health.js'
import { hookMetrics } from './routes/hook-metrics.js'
import { hookRoutes } from './routes/hooks.js'
import { metricsRoute } from './routes/metrics.js'
import { registerBackpressure } from './routes/pressure.js'
import { refuseWhileClosing } from './shutting-down.js'

export interface AppDeps {
  config: Config
  store: Store
  sources: SourceRegistry
  /** the rules in force now (a function, so a reload swaps them without rebuilding the app) */
  rules: () => CompiledRules
  logger: Logger
  /** called after an event is committed, to start its delivery without waiting for a poll */
  onAccepted?: () => void
  /** refused requests by source and code; one is made if not given */
  rejections?: RejectionCounter
  /** the Prometheus metrics; one (with its own registry) is made if not given */
  metrics?: Metrics
  /** HighLevel's last rate-limit headers per locationId (the client), for metrics and /admin/locations */
  rateLimits?: RateBudgetSource
  /** the delivery engine's per-location pauses, for /readyz and /admin/locations */
  delivery?: DeliveryPauses
  /** records rule sets so events store a compact explain; one over `store` is made if not given */
  ruleSets?: RuleSetRecorder
}

export interface DeliveryPauses {
  locations(): Array<{ locationId: string; paused: boolean; pausedUntil: number | null; reason: string | null }>
}

/** The deps as routes see them: every optional part filled in. */
export type RouteDeps = AppDeps & { metrics: Metrics; rejections: RejectionCounter; ruleSets: RuleSetRecorder }

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
    new Metrics({ store: deps.store, rejections, locations, rateLimits: deps.rateLimits, pauses: deps.delivery })
  const routeDeps: RouteDeps = {
    ...deps,
    metrics,
    rejections,
    ruleSets: deps.ruleSets ?? new RuleSetRecorder(deps.store),
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
  await app.register(async (admin) => adminRoutes(admin, routeDeps))
  return app
}
