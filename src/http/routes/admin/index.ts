import type { FastifyInstance } from 'fastify'
import type { RouteDeps } from '../../deps.js'
import { adminAuth } from './auth.js'
import { portalLinkRoutes } from './portal-links.js'
import { AdminDisabledError } from './errors.js'
import { eventRoutes } from './events.js'
import { eventTrailRoute } from './event-trail.js'
import { locationRoutes } from './locations.js'
import { openApi } from './openapi.js'
import { deadLetterRoutes } from './dead-letters.js'
import { alertRoutes } from './alerts.js'
import { refusedRoutes } from './refused.js'
import { rerunRoute } from './rerun.js'
import { rulesTestRoute } from './rules-test.js'
import { rulesRoute } from './rules.js'
import { ssoRoute } from './sso.js'
import { suggestionRoute } from './suggestions.js'
import { useZodSchemas } from './schema-compilers.js'

/**
 * Everything under /admin, as one encapsulated plugin. Without a configured token every
 * admin route answers 404 `TAGRELAY_ADMIN_DISABLED`: there is no default credential to
 * guess. Who may call, and how (bearer token or console session), is `auth.ts`.
 */
export async function adminRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  useZodSchemas(app)
  await openApi(app)
  // first, so that refusals and errors carry them too: answers hold emails and request bodies
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff')
  })
  if (deps.config.admin.token === undefined) {
    app.addHook('onRequest', async () => {
      throw new AdminDisabledError()
    })
  } else {
    portalLinkRoutes(app, deps, adminAuth(app, deps))
    ssoRoute(app, deps)
  }
  rulesTestRoute(app, deps)
  rulesRoute(app, deps)
  eventRoutes(app, deps)
  eventTrailRoute(app, deps)
  rerunRoute(app, deps)
  locationRoutes(app, deps)
  deadLetterRoutes(app, deps)
  refusedRoutes(app, deps)
  alertRoutes(app, deps)
  suggestionRoute(app, deps)
}
