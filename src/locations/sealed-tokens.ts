import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { codes, TagrelayError } from '../errors.js'
import type { OAuthTokens, TokenStore } from '../store/index.js'

const PREFIX = 'sealed:v1:'

export class TokenKeyError extends TagrelayError {
  constructor(message: string) {
    super(codes.TAGRELAY_TOKEN_KEY_MISMATCH, message)
  }
}

/**
 * OAuth tokens encrypted at rest (AES-256-GCM, a fresh 96-bit nonce per value, the
 * store key bound in as associated data so a value cannot be moved to another row).
 *
 * Why at this seam and not in each store: both stores keep the same columns, and the
 * auth module never needs to know. Values written before a key was set (plain) still
 * read, and are sealed at their next rotation; a sealed value read without the key, or
 * with another one, fails loudly instead of sending garbage to HighLevel.
 */
export class SealedTokenStore implements TokenStore {
  readonly #key: Buffer | undefined
  readonly #permits: Permits

  constructor(
    private readonly inner: TokenStore,
    secretKey: string | undefined,
    /** refreshes of locations' tokens at once (agencies' are not counted: see withOAuthLock) */
    concurrentRefreshes = 3,
  ) {
    this.#permits = new Permits(concurrentRefreshes)
    this.#key =
      secretKey === undefined ? undefined : createHash('sha256').update(`tagrelay-tokens:${secretKey}`).digest()
  }

  get sealing(): boolean {
    return this.#key !== undefined
  }

  async loadOAuthTokens(location: string): Promise<OAuthTokens | undefined> {
    const t = await this.inner.loadOAuthTokens(location)
    if (t === undefined) return undefined
    return {
      ...t,
      accessToken: this.#open(location, t.accessToken),
      refreshToken: this.#open(location, t.refreshToken),
    }
  }

  async saveOAuthTokens(location: string, t: OAuthTokens): Promise<void> {
    await this.inner.saveOAuthTokens(location, {
      ...t,
      accessToken: this.#seal(location, t.accessToken),
      refreshToken: this.#seal(location, t.refreshToken),
    })
  }

  /**
   * Why a bound: on PostgreSQL a held lock keeps one pooled connection in its
   * transaction and the load and save inside need another; thousands of installed
   * locations minting their first tokens at once took every connection and waited for
   * one more, forever (accepts too). An agency's refresh runs inside a location's (to
   * mint from it) and is single-flight per agency, so it takes no permit.
   */
  async withOAuthLock<T>(location: string, fn: () => Promise<T>): Promise<T> {
    if (location.startsWith('company:')) return this.inner.withOAuthLock(location, fn)
    await this.#permits.take()
    try {
      return await this.inner.withOAuthLock(location, fn)
    } finally {
      this.#permits.give()
    }
  }

  #seal(location: string, value: string): string {
    if (this.#key === undefined) return value
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv)
    cipher.setAAD(Buffer.from(location))
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()])
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
  }

  #open(location: string, value: string): string {
    if (!value.startsWith(PREFIX)) return value
    if (this.#key === undefined)
      throw new TokenKeyError(
        `the stored OAuth tokens of ${location} are encrypted: set TAGRELAY_SECRET_KEY (store.secretKey) to the key they were sealed with`,
      )
    const raw = Buffer.from(value.slice(PREFIX.length), 'base64url')
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12))
      decipher.setAAD(Buffer.from(location))
      decipher.setAuthTag(raw.subarray(12, 28))
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    } catch {
      throw new TokenKeyError(
        `the stored OAuth tokens of ${location} do not open with this TAGRELAY_SECRET_KEY (store.secretKey): it is not the key they were sealed with`,
      )
    }
  }
}

/** A counting semaphore, first come first served. */
class Permits {
  readonly #waiting: (() => void)[] = []

  constructor(private free: number) {}

  take(): Promise<void> {
    if (this.free > 0) {
      this.free--
      return Promise.resolve()
    }
    return new Promise((resolve) => this.#waiting.push(resolve))
  }

  give(): void {
    const next = this.#waiting.shift()
    if (next) next()
    else this.free++
  }
}
