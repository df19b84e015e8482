import type { FastifyReply, FastifyRequest } from 'fastify'
import { EVERYTHING, type AdminRole, type Scope } from '../../../common/scope.js'
import type { RouteDeps } from '../../deps.js'
import { SESSION_COOKIE, SessionKeeper, type Session } from './sessions.js'

/**
 * Who is calling /admin: the role, the scope, and the session when the call came with one
 * (cookie or `Authorization: Session`). A bearer token (`admin.token`, `admin.viewerToken`)
 * is scope `all` with no session. `carrier` says how the session came: only a cookie
 * needs the CSRF token.
 */
export interface Caller {
  role: AdminRole
  scope: Scope
  session: Session | null
  carrier: 'bearer' | 'cookie' | 'header'
}

const callers = new WeakMap<FastifyRequest, Caller>()

export function setCaller(request: FastifyRequest, caller: Caller): void {
  callers.set(request, caller)
}

/** The caller, when the auth hook has named one (the sign-in and the link exchange have none). */
export function knownCaller(request: FastifyRequest): Caller | undefined {
  return callers.get(request)
}

/** The caller of an admin route; routes outside the auth hook (none today) see scope `all`, role viewer. */
export function callerOf(request: FastifyRequest): Caller {
  return callers.get(request) ?? { role: 'viewer', scope: EVERYTHING, session: null, carrier: 'bearer' }
}

/**
 * The session keeper of a service: every keeper built over the same config and store is
 * the same keeper (keys are derived from the tokens, sessions live in the store), so the
 * admin routes, the portal-link exchange and the SSO entry each make one.
 */
export function sessionKeeper(deps: Pick<RouteDeps, 'config' | 'store' | 'clock'>): SessionKeeper {
  const { admin } = deps.config
  const now = deps.clock ? () => deps.clock!.now() : Date.now
  return new SessionKeeper(
    { admin: admin.token, viewer: admin.viewerToken },
    admin.sessionMinutes * 60_000,
    deps.store.sessions,
    now,
  )
}

const behindHttps = (request: FastifyRequest): boolean =>
  request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https'

/** Sets (or, with maxAgeSec 0, clears) the console's session cookie: HttpOnly, SameSite=Strict. */
export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, value: string, maxAgeSec: number): void {
  const attrs = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSec}`]
  if (behindHttps(request)) attrs.push('Secure')
  reply.header('set-cookie', attrs.join('; '))
}

/** The request's own host, for the Origin check (a proxy may terminate TLS, so the scheme is not compared). */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin
  if (origin === undefined) return true
  try {
    const from = new URL(origin)
    return from.host === new URL(`${from.protocol}//${request.headers.host ?? ''}`).host
  } catch {
    return false
  }
}
