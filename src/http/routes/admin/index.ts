import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { RouteDeps } from '../../deps.js'
import { AdminDisabledError, AdminUnauthorizedError } from './errors.js'
import { eventRoutes } from './events.js'
import { locationRoutes } from './locations.js'
import { openApiRoute } from './openapi.js'
import { deadLetterRoutes } from './dead-letters.js'
import { alertRoutes } from './alerts.js'
import { refusedRoutes } from './refused.js'
import { rerunRoute } from './rerun.js'
import { rulesTestRoute } from './rules-test.js'

const digest = (s: string): Buffer => createHash('sha256').update(s).digest()

/**
 * Everything under /admin, as one encapsulated plugin behind one bearer token. Both
 * sides are hashed before `timingSafeEqual`, so neither the token's length nor the first
 * differing byte shows in the timing. Without a configured token every admin route
 * answers 404 `TAGRELAY_ADMIN_DISABLED`: there is no default credential to guess.
 */
export async function adminRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const token = deps.config.admin.token
  const expected = token === undefined ? undefined : digest(token)
  app.addHook('onRequest', async (request, reply) => {
    if (!expected) throw new AdminDisabledError()
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
    if (!m || !timingSafeEqual(digest(m[1] as string), expected)) {
      reply.header('www-authenticate', 'Bearer realm="tagrelay admin"')
      throw new AdminUnauthorizedError(
        m ? 'wrong admin token' : 'admin routes need Authorization: Bearer <admin token>',
      )
    }
  })
  rulesTestRoute(app, deps)
  eventRoutes(app, deps)
  rerunRoute(app, deps)
  locationRoutes(app, deps)
  openApiRoute(app)
  deadLetterRoutes(app, deps)
  refusedRoutes(app, deps)
  alertRoutes(app, deps)
}
