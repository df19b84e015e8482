import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { EVERYTHING } from '../../../common/scope.js'
import type { RouteDeps } from '../../deps.js'
import { callerOf, knownCaller, sameOrigin, sessionKeeper, setCaller, setSessionCookie } from './caller.js'
import { AdminCsrfError, AdminReadOnlyError, AdminUnauthorizedError } from './errors.js'
import { scopeView } from './scope-view.js'
import { cookieValue, SESSION_COOKIE, type Session, type SessionKeeper, type SessionVia } from './sessions.js'
import { SSO_PATH } from './sso.js'
import { iso } from './times.js'
import { AuthThrottle, type AdminThrottledError } from './throttle.js'
import { badRequestSaying } from './schema-compilers.js'
import * as schemas from './schemas/sessions.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Calls a viewer may make although they are not GETs: they change nothing. */
function readOnlyCall(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? ''
  if (request.method === 'DELETE' && path === '/admin/session') return true
  if (request.method !== 'POST') return false
  if (path === '/admin/rules/test') return true
  const body = request.body as { dryRun?: unknown } | undefined
  return /^\/admin\/events\/[^/]+\/rerun$/.test(path) && body?.dryRun === true
}

/**
 * Who may call /admin: `Authorization: Bearer` with the admin token (or the viewer token,
 * read-only), both scope `all`; or a console session (any scope), as the session cookie
 * or as `Authorization: Session <value>` (see `SessionKeeper`). Cookie calls that change
 * something must carry the session's CSRF token in `x-csrf-token` and, when the browser
 * sends an Origin, come from this host: SameSite=Strict already keeps the cookie off
 * cross-site requests, and the token covers browsers or proxies that do not honour it. A
 * header-borne session needs neither: no browser sends that header on its own.
 */
export interface AdminAuth {
  keeper: SessionKeeper
  /** refuses a client address held for wrong tokens (before any compare) */
  guarded(request: FastifyRequest, reply: FastifyReply, kind: 'sign-in' | 'bearer'): void
  /** counts a wrong token or link against the client address */
  wrong(request: FastifyRequest, kind: 'sign-in' | 'bearer'): void
}

export function adminAuth(app: FastifyInstance, deps: RouteDeps): AdminAuth {
  const { admin } = deps.config
  const keeper = sessionKeeper(deps)
  const now = deps.clock ? () => deps.clock!.now() : Date.now
  const throttle = new AuthThrottle(admin.throttle, now)
  const { adminAuthFailures, adminAuthThrottled } = deps.metrics.ops
  /** Wrong tokens are counted per client address; a held address is refused before any compare. */
  const guarded = (request: FastifyRequest, reply: FastifyReply, kind: 'sign-in' | 'bearer'): void => {
    try {
      throttle.check(request.ip)
    } catch (err) {
      adminAuthThrottled.inc({ kind })
      reply.header('retry-after', String((err as AdminThrottledError).retryAfterSec))
      throw err
    }
  }
  const wrong = (request: FastifyRequest, kind: 'sign-in' | 'bearer'): void => {
    throttle.failed(request.ip)
    adminAuthFailures.inc({ kind })
  }

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]
    if (request.method === 'POST' && (path === '/admin/session' || path === '/admin/portal-links/exchange')) return
    if (request.method === 'POST' && path === SSO_PATH) return // sso.ts: the payload is the credential
    const headerSession = /^Session\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
    if (headerSession) {
      const session = await keeper.read(headerSession[1])
      if (!session) throw new AdminUnauthorizedError('the console session has ended: open the console again')
      return void setCaller(request, { role: session.role, scope: session.scope, session, carrier: 'header' })
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
    if (bearer) {
      guarded(request, reply, 'bearer')
      const role = keeper.roleOf(bearer[1] as string)
      if (role) return void setCaller(request, { role, scope: EVERYTHING, session: null, carrier: 'bearer' })
      wrong(request, 'bearer')
      reply.header('www-authenticate', 'Bearer realm="tagrelay admin"')
      throw new AdminUnauthorizedError('wrong admin token')
    }
    const session = await keeper.read(cookieValue(request.headers.cookie, SESSION_COOKIE))
    if (!session) {
      reply.header('www-authenticate', 'Bearer realm="tagrelay admin"')
      throw new AdminUnauthorizedError(
        'admin routes need Authorization: Bearer <admin token>, or a console session (sign in at /console)',
      )
    }
    if (!SAFE_METHODS.has(request.method)) {
      if (!sameOrigin(request)) throw new AdminCsrfError('cross-origin request refused: the Origin is not this host')
      const presented = request.headers['x-csrf-token']
      if (!keeper.checkCsrf(session, typeof presented === 'string' ? presented : undefined))
        throw new AdminCsrfError('missing or wrong x-csrf-token: take it from GET /admin/session')
    }
    setCaller(request, { role: session.role, scope: session.scope, session, carrier: 'cookie' })
  })

  // before validation: a viewer's change is refused as such, whatever its body
  app.addHook('preValidation', async (request) => {
    if (knownCaller(request)?.role === 'viewer' && !SAFE_METHODS.has(request.method) && !readOnlyCall(request))
      throw new AdminReadOnlyError()
  })

  const sessionOut = (request: FastifyRequest, session: Session | null) => {
    const caller = session ? { role: session.role, scope: session.scope } : callerOf(request)
    const view = scopeView(deps, caller.scope)
    const via: SessionVia | 'token' = session?.via ?? 'token'
    return {
      role: caller.role,
      scope: caller.scope,
      scopeName: view.displayName,
      via,
      expiresAt: session ? iso(session.expiresAt) : null,
      // only a cookie needs it; a header-borne session is not sent by the browser on its own
      csrfToken: session ? keeper.csrfToken(session) : null,
    }
  }

  const api = app.withTypeProvider<ZodTypeProvider>()
  const signIn = {
    schema: schemas.signIn,
    schemaErrorFormatter: badRequestSaying('invalid request: send {"token": "<admin or viewer token>"}'),
  }
  api.post('/admin/session', signIn, async (request, reply) => {
    if (!sameOrigin(request)) throw new AdminCsrfError('cross-origin sign-in refused: the Origin is not this host')
    guarded(request, reply, 'sign-in')
    const role = keeper.roleOf(request.body.token)
    if (!role) {
      wrong(request, 'sign-in')
      throw new AdminUnauthorizedError('wrong token: use admin.token or admin.viewerToken')
    }
    const { cookieValue: value, session } = await keeper.open(role, EVERYTHING, { via: 'sign-in' })
    setSessionCookie(reply, request, value, Math.floor(keeper.ttlMs / 1000))
    request.log.info({ role, expiresAt: iso(session.expiresAt) }, 'console sign-in')
    return sessionOut(request, session)
  })
  api.get('/admin/session', { schema: schemas.getSession }, async (request) => {
    return sessionOut(request, callerOf(request).session)
  })
  api.delete('/admin/session', { schema: schemas.signOut }, async (request, reply) => {
    const { session } = callerOf(request)
    if (session) await keeper.end(session)
    setSessionCookie(reply, request, '', 0)
    return reply.code(204).send()
  })
  return { keeper, guarded, wrong }
}
