import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { RouteDeps } from '../../deps.js'
import { AdminBadRequestError, AdminCsrfError, AdminReadOnlyError, AdminUnauthorizedError } from './errors.js'
import { cookieValue, SESSION_COOKIE, SessionKeeper, type AdminRole, type Session } from './sessions.js'
import { iso } from './times.js'
import { AuthThrottle, type AdminThrottledError } from './throttle.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const signInBody = z.strictObject({ token: z.string().min(1).max(1024) })

/** Who is calling: the role, and the session when the call came with the cookie. */
const callers = new WeakMap<FastifyRequest, { role: AdminRole; session: Session | null }>()

/** Calls a viewer may make although they are not GETs: they change nothing. */
function readOnlyCall(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? ''
  if (request.method === 'DELETE' && path === '/admin/session') return true
  if (request.method !== 'POST') return false
  if (path === '/admin/rules/test') return true
  const body = request.body as { dryRun?: unknown } | undefined
  return /^\/admin\/events\/[^/]+\/rerun$/.test(path) && body?.dryRun === true
}

/** The request's own host, for the Origin check (a proxy may terminate TLS, so the scheme is not compared). */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin
  if (origin === undefined) return true
  try {
    const from = new URL(origin)
    return from.host === new URL(`${from.protocol}//${request.headers.host ?? ''}`).host
  } catch {
    return false
  }
}

const behindHttps = (request: FastifyRequest): boolean =>
  request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https'

function setCookie(reply: FastifyReply, request: FastifyRequest, value: string, maxAgeSec: number): void {
  const attrs = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSec}`]
  if (behindHttps(request)) attrs.push('Secure')
  reply.header('set-cookie', attrs.join('; '))
}

/**
 * Who may call /admin: `Authorization: Bearer` with the admin token (or the viewer token,
 * read-only), or the console's session cookie. Cookie calls that change something must
 * carry the session's CSRF token in `x-csrf-token` and, when the browser sends an Origin,
 * come from this host: SameSite=Strict already keeps the cookie off cross-site requests,
 * and the token covers browsers or proxies that do not honour it.
 */
export function adminAuth(app: FastifyInstance, deps: RouteDeps): void {
  const { admin } = deps.config
  const keeper = new SessionKeeper(
    { admin: admin.token, viewer: admin.viewerToken },
    admin.sessionMinutes * 60_000,
    deps.store.sessions,
  )
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
    if (request.method === 'POST' && request.url.split('?')[0] === '/admin/session') return
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
    if (bearer) {
      guarded(request, reply, 'bearer')
      const role = keeper.roleOf(bearer[1] as string)
      if (role) return void callers.set(request, { role, session: null })
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
    callers.set(request, { role: session.role, session })
  })

  app.addHook('preHandler', async (request) => {
    if (callers.get(request)?.role === 'viewer' && !SAFE_METHODS.has(request.method) && !readOnlyCall(request))
      throw new AdminReadOnlyError()
  })

  const sessionOut = (role: AdminRole, session: Session | null) => ({
    role,
    expiresAt: session ? iso(session.expiresAt) : null,
    csrfToken: session ? keeper.csrfToken(session) : null,
  })

  app.post('/admin/session', async (request, reply) => {
    const parsed = signInBody.safeParse(request.body)
    if (!parsed.success) throw new AdminBadRequestError('invalid request: send {"token": "<admin or viewer token>"}')
    if (!sameOrigin(request)) throw new AdminCsrfError('cross-origin sign-in refused: the Origin is not this host')
    guarded(request, reply, 'sign-in')
    const role = keeper.roleOf(parsed.data.token)
    if (!role) {
      wrong(request, 'sign-in')
      throw new AdminUnauthorizedError('wrong token: use admin.token or admin.viewerToken')
    }
    const { cookieValue: value, session } = await keeper.open(role)
    setCookie(reply, request, value, Math.floor(keeper.ttlMs / 1000))
    request.log.info({ role, expiresAt: iso(session.expiresAt) }, 'console sign-in')
    return sessionOut(role, session)
  })
  app.get('/admin/session', async (request) => {
    const caller = callers.get(request) as { role: AdminRole; session: Session | null }
    return sessionOut(caller.role, caller.session)
  })
  app.delete('/admin/session', async (request, reply) => {
    const caller = callers.get(request)
    if (caller?.session) await keeper.end(caller.session)
    setCookie(reply, request, '', 0)
    return reply.code(204).send()
  })
}
