import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { TagrelayError } from '../../../errors.js'
import { grantFor, readUserContext, SsoDisabledError, type UserContext } from '../../../highlevel/index.js'
import { ssoInstallLookup } from '../../../locations/index.js'
import type { RouteDeps } from '../../deps.js'
import { sameOrigin, sessionKeeper } from './caller.js'
import { AdminCsrfError } from './errors.js'
import { iso } from './times.js'
import { AuthThrottle, type AdminThrottledError } from './throttle.js'
import { badRequestSaying } from './schema-compilers.js'
import { signInFromHighLevel } from './schemas/sessions.js'

export const SSO_PATH = '/admin/sso/highlevel'

/**
 * `POST /admin/sso/highlevel {payload}`: single sign-on from the console framed in
 * HighLevel. Unauthenticated (the payload is the credential): it decrypts HighLevel's user
 * context with `highlevel.app.sharedSecret`, maps it to a scope and role (installs in the
 * store) and answers a short session (`via: sso`) for the `Authorization: Session` header, never a
 * cookie (the frame is a third party). Refusals are 401 with a `TAGRELAY_SSO_*` code and
 * count per address like wrong sign-in tokens (429 `TAGRELAY_ADMIN_THROTTLED` once held).
 * Each sign-in and refusal is logged with the user, company, location and role, never the
 * payload or the secret.
 */
export function ssoRoute(app: FastifyInstance, deps: RouteDeps): void {
  const keeper = sessionKeeper(deps)
  const custom = deps.config.highlevel.app
  // off without the app's Shared Secret
  const sso =
    custom?.sharedSecret === undefined
      ? undefined
      : { secret: custom.sharedSecret, ttlMs: custom.customPage.sessionMinutes * 60_000 }
  const now = deps.clock ? () => deps.clock!.now() : Date.now
  const throttle = new AuthThrottle(deps.config.admin.throttle, now)
  const installs = ssoInstallLookup(deps.store.directory)
  const { adminAuthFailures, adminAuthThrottled } = deps.metrics.ops
  const who = (c: UserContext | undefined) =>
    c && { userId: c.userId, companyId: c.companyId, location: c.activeLocation ?? null, hlRole: c.role, type: c.type }

  /** Before the body is read: disabled, a foreign page, a held address. */
  const preValidation = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (sso === undefined) throw new SsoDisabledError()
    // the framed page is on this host; a page elsewhere has no business here
    if (!sameOrigin(request)) throw new AdminCsrfError('cross-origin sign-in refused: the Origin is not this host')
    try {
      throttle.check(request.ip)
    } catch (err) {
      adminAuthThrottled.inc({ kind: 'highlevel-sso' })
      reply.header('retry-after', String((err as AdminThrottledError).retryAfterSec))
      throw err
    }
  }
  const options = {
    schema: signInFromHighLevel,
    bodyLimit: 16 * 1024,
    preValidation,
    schemaErrorFormatter: badRequestSaying(
      'invalid request: send {"payload": "<the user context HighLevel gave the page>"}',
    ),
  }
  app.withTypeProvider<ZodTypeProvider>().post(SSO_PATH, options, async (request) => {
    if (sso === undefined) throw new SsoDisabledError() // refused at preValidation: this narrows the type
    let context: UserContext | undefined
    try {
      context = readUserContext(request.body.payload, sso.secret)
      const grant = await grantFor(context, installs)
      const { cookieValue: value, session } = await keeper.open(grant.role, grant.scope, {
        via: 'sso',
        ttlMs: sso.ttlMs,
      })
      request.log.info(
        { ...who(context), role: grant.role, scope: grant.scope, expiresAt: iso(session.expiresAt) },
        'console sign-in from HighLevel',
      )
      return { session: value, role: grant.role, scope: grant.scope, expiresAt: iso(session.expiresAt) }
    } catch (err) {
      if (err instanceof TagrelayError && err.statusCode === 401) {
        throttle.failed(request.ip)
        adminAuthFailures.inc({ kind: 'highlevel-sso' })
        request.log.warn({ ...who(context), code: err.code }, 'console sign-in from HighLevel refused')
      }
      throw err
    }
  })
}
