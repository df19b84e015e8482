import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { TagrelayError } from '../errors.js'

export class InstallStateError extends TagrelayError {
  constructor(why: string) {
    super(
      'TAGRELAY_OAUTH_STATE_INVALID',
      `the install's state ${why}: start again from /oauth/install (a link to /oauth/callback cannot be forged or replayed)`,
      400,
    )
  }
}

/** How long an install may take between /oauth/install and the callback. */
const STATE_TTL_MS = 30 * 60_000

/**
 * The `state` of an install: a random nonce and an expiry, signed with a key derived
 * from the app's client secret. Why signed and not stored: any replica can check it
 * (the callback may reach another one than the redirect came from) and nothing needs
 * cleaning up; the code itself is single-use, so a state cannot install twice.
 */
export class InstallState {
  readonly #key: Buffer

  constructor(clientSecret: string) {
    this.#key = createHmac('sha256', 'tagrelay:oauth-state').update(clientSecret).digest()
  }

  issue(now: number): string {
    const payload = Buffer.from(JSON.stringify({ n: randomBytes(12).toString('base64url'), exp: now + STATE_TTL_MS }))
    return `${payload.toString('base64url')}.${this.#sign(payload).toString('base64url')}`
  }

  check(state: string | undefined, now: number): void {
    if (state === undefined || state === '') throw new InstallStateError('is missing')
    const [body, sig] = state.split('.')
    if (!body || !sig || state.length > 512) throw new InstallStateError('is malformed')
    const payload = Buffer.from(body, 'base64url')
    const given = Buffer.from(sig, 'base64url')
    const want = this.#sign(payload)
    if (given.length !== want.length || !timingSafeEqual(given, want)) throw new InstallStateError('does not match')
    let exp: unknown
    try {
      exp = (JSON.parse(payload.toString('utf8')) as { exp?: unknown }).exp
    } catch {
      throw new InstallStateError('is malformed')
    }
    if (typeof exp !== 'number' || exp < now) throw new InstallStateError('has expired')
  }

  #sign(payload: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(payload).digest()
  }
}
