import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { codes, TagrelayError } from '../errors.js'
import type { NonceStore } from '../store/index.js'

export class InstallStateError extends TagrelayError {
  constructor(why: string) {
    super(
      codes.TAGRELAY_OAUTH_STATE_INVALID,
      `the install's state ${why}: start again from /oauth/install (a link to /oauth/callback cannot be forged or replayed)`,
    )
  }
}

/** How long an install may take between /oauth/install and the callback. */
const STATE_TTL_MS = 30 * 60_000
export const STATE_TTL_SEC = STATE_TTL_MS / 1000

/** A new install: the `state` for HighLevel's page, and the value of the browser's cookie it is bound to. */
export interface IssuedState {
  state: string
  browserKey: string
}

const bind = (browserKey: string): string => createHash('sha256').update(browserKey).digest('base64url').slice(0, 22)

/**
 * The `state` of an install: a random nonce, an expiry and the hash of a random key set as
 * a cookie in the admin's browser, signed with a key derived from the app's client
 * secret. Signed, so any replica can check it (the callback may reach another one than
 * the redirect came from); bound to the browser, so a callback link made for one
 * install cannot be followed by another browser (a victim's, to install the attacker's
 * grant); its nonce recorded in the store when used (every replica's), so a state
 * installs once, even with a fresh code.
 */
export class InstallState {
  readonly #key: Buffer

  constructor(
    clientSecret: string,
    private readonly used: NonceStore,
  ) {
    this.#key = createHmac('sha256', 'tagrelay:oauth-state').update(clientSecret).digest()
  }

  issue(now: number): IssuedState {
    const browserKey = randomBytes(18).toString('base64url')
    const payload = Buffer.from(
      JSON.stringify({ n: randomBytes(12).toString('base64url'), exp: now + STATE_TTL_MS, b: bind(browserKey) }),
    )
    return { state: `${payload.toString('base64url')}.${this.#sign(payload).toString('base64url')}`, browserKey }
  }

  /** Checks a callback's state against the browser's cookie, then uses it up (a second call refuses it). */
  async take(state: string | undefined, browserKey: string | undefined, now: number): Promise<void> {
    const { n, exp } = this.check(state, browserKey, now)
    if (!(await this.used.use('oauth-state', n, exp, now))) throw new InstallStateError('was already used')
  }

  /** The state's nonce and expiry when it is genuine, fresh and this browser's. */
  check(state: string | undefined, browserKey: string | undefined, now: number): { n: string; exp: number } {
    if (state === undefined || state === '') throw new InstallStateError('is missing')
    const [body, sig] = state.split('.')
    if (!body || !sig || state.length > 512) throw new InstallStateError('is malformed')
    const payload = Buffer.from(body, 'base64url')
    const given = Buffer.from(sig, 'base64url')
    const want = this.#sign(payload)
    if (given.length !== want.length || !timingSafeEqual(given, want)) throw new InstallStateError('does not match')
    let parsed: { n?: unknown; exp?: unknown; b?: unknown }
    try {
      parsed = JSON.parse(payload.toString('utf8')) as typeof parsed
    } catch {
      throw new InstallStateError('is malformed')
    }
    const { n, exp, b } = parsed
    if (typeof n !== 'string' || typeof exp !== 'number' || typeof b !== 'string')
      throw new InstallStateError('is malformed')
    if (exp < now) throw new InstallStateError('has expired')
    const cookie = browserKey === undefined || browserKey.length > 64 ? '' : bind(browserKey)
    if (cookie.length !== b.length || !timingSafeEqual(Buffer.from(cookie), Buffer.from(b)))
      throw new InstallStateError('belongs to an install started in another browser (or its cookie is gone)')
    return { n, exp }
  }

  #sign(payload: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(payload).digest()
  }
}
