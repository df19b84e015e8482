import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { SessionStore } from '../../../store/index.js'

export type AdminRole = 'admin' | 'viewer'

export interface Session {
  role: AdminRole
  /** epoch ms */
  expiresAt: number
  /** random per sign-in: names the session for sign-out and derives its CSRF token */
  nonce: string
}

export const SESSION_COOKIE = 'tagrelay_session'

const digest = (s: string): Buffer => createHash('sha256').update(s).digest()
const sameSecret = (a: string, b: Buffer): boolean => timingSafeEqual(digest(a), b)

/**
 * Console sessions as signed cookies, keyed by the token that signed in (changing
 * `admin.token` or `viewerToken` ends every session opened with it), each also recorded
 * in the store (`console_sessions`): a cookie counts only while its row exists and is not
 * revoked, so a sign-out holds on every replica sharing the store and after a restart,
 * until the session's expiry. The cookie is cleared in the browser too. Neither the token
 * nor anything derived from it without the HMAC reaches the browser.
 */
export class SessionKeeper {
  readonly #tokens: Array<{ role: AdminRole; digest: Buffer; key: Buffer }>

  constructor(
    tokens: { admin?: string | undefined; viewer?: string | undefined },
    readonly ttlMs: number,
    private readonly store: SessionStore,
    readonly now: () => number = Date.now,
  ) {
    const key = (role: AdminRole, t: string) =>
      createHmac('sha256', t).update(`tagrelay console session ${role}`).digest()
    this.#tokens = []
    if (tokens.admin)
      this.#tokens.push({ role: 'admin', digest: digest(tokens.admin), key: key('admin', tokens.admin) })
    if (tokens.viewer)
      this.#tokens.push({ role: 'viewer', digest: digest(tokens.viewer), key: key('viewer', tokens.viewer) })
  }

  /** Which role a presented token grants, compared in constant time against each. */
  roleOf(token: string): AdminRole | null {
    let found: AdminRole | null = null
    for (const t of this.#tokens) if (sameSecret(token, t.digest)) found = t.role
    return found
  }

  async open(role: AdminRole): Promise<{ cookieValue: string; session: Session }> {
    const now = this.now()
    const session: Session = { role, expiresAt: now + this.ttlMs, nonce: randomBytes(16).toString('base64url') }
    await this.store.open({ id: session.nonce, role, createdAt: now, expiresAt: session.expiresAt })
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
    return { role, expiresAt, nonce }
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
    const key = this.#tokens.find((t) => t.role === role)?.key
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
