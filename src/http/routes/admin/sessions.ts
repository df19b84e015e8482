import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { EVERYTHING, type AdminRole, type Scope } from '../../../common/scope.js'
import type { SessionStore } from '../../../store/index.js'

export type { AdminRole } from '../../../common/scope.js'

/** How a session was opened: the console's sign-in with a token, HighLevel's user context, a portal link. */
export type SessionVia = 'sign-in' | 'sso' | 'portal-link'

export interface Session {
  role: AdminRole
  /** what the session may see; kept in the store row, not in the cookie */
  scope: Scope
  via: SessionVia
  /** epoch ms */
  expiresAt: number
  /** random per sign-in: names the session for sign-out and derives its CSRF token */
  nonce: string
}

export const SESSION_COOKIE = 'tagrelay_session'

const digest = (s: string): Buffer => createHash('sha256').update(s).digest()
const sameSecret = (a: string, b: Buffer): boolean => timingSafeEqual(digest(a), b)

/** The header that carries a session where a cookie cannot (the console framed in HighLevel). */
export const SESSION_SCHEME = 'Session'

const VIA: ReadonlySet<string> = new Set<SessionVia>(['sign-in', 'sso', 'portal-link'])

/**
 * Console sessions as signed values, keyed by the token that signed in (changing
 * `admin.token` or `viewerToken` ends every session opened with it), each also recorded
 * in the store (`console_sessions`): a value counts only while its row exists and is not
 * revoked, so a sign-out holds on every replica sharing the store and after a restart,
 * until the session's expiry. Neither the token nor anything derived from it without the
 * HMAC reaches the browser.
 *
 * Every session has a role and a scope (issue 28). The scope lives in the store row only:
 * the signed value names the row, so a scope can never be widened by editing a cookie,
 * and the value stays short. Viewer sessions are signed with a key from
 * `admin.viewerToken`, or, without one, from `admin.token` under another label (so that
 * SSO and portal links can open viewer sessions on a service with no viewer token).
 *
 * One value, two carriers: the `tagrelay_session` cookie (HttpOnly, SameSite=Strict; a
 * state-changing call must echo the CSRF token) or the header
 * `Authorization: Session <value>`, for the console framed inside HighLevel, where a
 * third-party iframe's cookies are blocked or partitioned and the page keeps the value in
 * memory. A header-borne session needs no CSRF token: a browser never attaches that
 * header by itself, so another site cannot make the victim's browser send it. The store
 * check, revocation and expiry are the same for both.
 */
export class SessionKeeper {
  readonly #tokens: Array<{ role: AdminRole; digest: Buffer }>
  readonly #keys = new Map<AdminRole, Buffer>()

  constructor(
    tokens: { admin?: string | undefined; viewer?: string | undefined },
    readonly ttlMs: number,
    private readonly store: SessionStore,
    readonly now: () => number = Date.now,
  ) {
    const key = (role: string, t: string) => createHmac('sha256', t).update(`tagrelay console session ${role}`).digest()
    this.#tokens = []
    if (tokens.admin) {
      this.#tokens.push({ role: 'admin', digest: digest(tokens.admin) })
      this.#keys.set('admin', key('admin', tokens.admin))
      this.#keys.set('viewer', key('viewer-without-viewer-token', tokens.admin))
    }
    if (tokens.viewer) {
      this.#tokens.push({ role: 'viewer', digest: digest(tokens.viewer) })
      this.#keys.set('viewer', key('viewer', tokens.viewer))
    }
  }

  /** Which role a presented token grants, compared in constant time against each. */
  roleOf(token: string): AdminRole | null {
    let found: AdminRole | null = null
    for (const t of this.#tokens) if (sameSecret(token, t.digest)) found = t.role
    return found
  }

  /**
   * Opens a session of `role` over `scope` and records it in the store. `cookieValue` is
   * the value for the `tagrelay_session` cookie or for `Authorization: Session <value>`
   * (the caller picks the carrier). `ttlMs` shortens the session (never beyond the
   * keeper's `ttlMs`, `admin.sessionMinutes`).
   */
  async open(
    role: AdminRole,
    scope: Scope = EVERYTHING,
    options: { via?: SessionVia; ttlMs?: number } = {},
  ): Promise<{ cookieValue: string; session: Session }> {
    if (!this.#keys.has(role)) throw new Error(`no key to sign a ${role} session: admin.token is not set`)
    const now = this.now()
    const ttl = Math.min(options.ttlMs ?? this.ttlMs, this.ttlMs)
    const via = options.via ?? 'sign-in'
    const nonce = randomBytes(16).toString('base64url')
    const session: Session = { role, scope, via, expiresAt: now + ttl, nonce }
    await this.store.open({ id: nonce, role, createdAt: now, expiresAt: session.expiresAt, scope, via })
    const payload = Buffer.from(JSON.stringify([session.role, session.expiresAt, session.nonce])).toString('base64url')
    return { cookieValue: `${payload}.${this.#sign(role, payload)}`, session }
  }

  /** The session a cookie value carries, or null when forged, expired, signed out or unknown to the store. */
  async read(cookieValue: string | undefined): Promise<Session | null> {
    if (!cookieValue || cookieValue.length > 512) return null
    const [payload, sig] = cookieValue.split('.')
    if (!payload || !sig) return null
    let parsed: unknown
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    } catch {
      return null
    }
    if (!Array.isArray(parsed) || parsed.length !== 3) return null
    const [role, expiresAt, nonce] = parsed as unknown[]
    if ((role !== 'admin' && role !== 'viewer') || typeof expiresAt !== 'number' || typeof nonce !== 'string')
      return null
    const expected = this.#sign(role, payload)
    if (!expected || expected.length !== sig.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(sig)))
      return null
    if (expiresAt <= this.now()) return null
    // only a cookie with a valid signature costs a store read
    const stored = await this.store.get(nonce)
    if (stored === undefined || stored.revokedAt !== null || stored.role !== role) return null
    const via = stored.via !== null && VIA.has(stored.via) ? (stored.via as SessionVia) : 'sign-in'
    return { role, scope: stored.scope, via, expiresAt, nonce }
  }

  /** The CSRF token of a session: a state-changing call with the cookie must send it back. */
  csrfToken(session: Session): string {
    return this.#sign(session.role, `csrf:${session.nonce}`) ?? ''
  }

  checkCsrf(session: Session, presented: string | undefined): boolean {
    const expected = this.csrfToken(session)
    return presented !== undefined && sameSecret(presented, digest(expected))
  }

  /** Signs the session out, for every replica sharing the store. */
  async end(session: Session): Promise<void> {
    await this.store.revoke(session.nonce, this.now())
  }

  #sign(role: AdminRole, payload: string): string | null {
    const key = this.#keys.get(role)
    return key ? createHmac('sha256', key).update(payload).digest('base64url') : null
  }
}

/** The value of one cookie in a Cookie header (no dependency for one name). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
