import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

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
 * Console sessions as signed cookies, keyed by the token that signed in: changing
 * `admin.token` (or `viewerToken`) ends every session opened with it, and replicas that
 * share the config accept each other's cookies without a session table. Sign-out ends a
 * session in this process at once (the nonce is refused until it expires) and the cookie
 * is cleared in the browser. Neither the token nor anything derived from it without the
 * HMAC reaches the browser.
 */
export class SessionKeeper {
  readonly #tokens: Array<{ role: AdminRole; digest: Buffer; key: Buffer }>
  readonly #ended = new Map<string, number>()

  constructor(
    tokens: { admin?: string | undefined; viewer?: string | undefined },
    readonly ttlMs: number,
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

  open(role: AdminRole): { cookieValue: string; session: Session } {
    const session: Session = { role, expiresAt: this.now() + this.ttlMs, nonce: randomBytes(16).toString('base64url') }
    const payload = Buffer.from(JSON.stringify([session.role, session.expiresAt, session.nonce])).toString('base64url')
    return { cookieValue: `${payload}.${this.#sign(role, payload)}`, session }
  }

  /** The session a cookie value carries, or null when forged, expired or signed out. */
  read(cookieValue: string | undefined): Session | null {
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
    if (expiresAt <= this.now() || this.#ended.has(nonce)) return null
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

  end(session: Session): void {
    const now = this.now()
    for (const [nonce, until] of this.#ended) if (until <= now) this.#ended.delete(nonce)
    this.#ended.set(session.nonce, session.expiresAt)
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
