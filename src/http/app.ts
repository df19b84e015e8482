import sensible from '@fastify/sensible'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { RejectionCounter } from '../common/rejections.js'
import type { Config } from '../config/index.js'
import type { CompiledRules } from '../rules/index.js'
import type { SourceRegistry } from '../sources/index.js'
import type { Store } from '../store/index.js'
import { installErrorHandler } from './error-handler.js'
import { adminRoutes } from './routes/admin/index.js'
import { healthRoutes } from './routes/health.js'
import { hookRoutes } from './routes/hooks.js'

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
}

/** Builds the HTTP shell over the domain modules; listening is the caller's business. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // one line per request, written by our onResponse hook with the event id on it
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: deps.config.server.requestTimeoutMs,
    bodyLimit: deps.config.server.bodyLimit,
    return503OnClosing: true,
  })
  await app.register(sensible)
  const rejections = deps.rejections ?? new RejectionCounter()
  installErrorHandler(app, {
    rejections,
    // route params are attacker-chosen: count only configured names
    sourceOf: (name) => (name !== undefined && deps.sources.names().includes(name) ? name : '(unknown)'),
  })
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ req: request, res: reply, ms: Math.round(reply.elapsedTime) }, 'request completed')
  })
  healthRoutes(app, deps)
  await app.register(async (hooks) => hookRoutes(hooks, deps))
  await app.register(async (admin) => adminRoutes(admin, deps))
  return app
}
