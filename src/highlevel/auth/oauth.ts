import { createHash } from 'node:crypto'
import { HighLevelError, HighLevelInstallGoneError, HighLevelOAuthRefreshError, installGoneReason } from '../errors.js'
import type { OAuthTokens } from '../../common/oauth-tokens.js'
import type { AuthProvider, RefreshRequest } from './types.js'

/** Where token pairs live across restarts: the `Store` satisfies it. */
export interface OAuthTokenStore {
  loadOAuthTokens(location: string): Promise<OAuthTokens | undefined>
  saveOAuthTokens(location: string, tokens: OAuthTokens): Promise<void>
  /** serialises refreshes of one location across replicas (the PostgreSQL store's advisory lock) */
  withOAuthLock?<T>(location: string, fn: () => Promise<T>): Promise<T>
}

export interface RefreshGrant {
  clientId: string
  clientSecret: string
  refreshToken: string
  userType: 'Location' | 'Company'
}

export interface IssuedTokens {
  accessToken: string
  refreshToken: string
  expiresInSec: number
}

export interface OAuthAuthOptions {
  locationId: string
  clientId: string
  clientSecret: string
  /** the configured refresh token: used only while the store holds nothing newer for it */
  refreshToken: string
  store: OAuthTokenStore
  /** POST /oauth/token; `HighLevelClient.refreshAccessToken` */
  exchange(grant: RefreshGrant): Promise<IssuedTokens>
  /** refresh this long before the access token expires (the config's, whose default is 5 minutes) */
  refreshMarginMs: number
  now?: () => number
  /** the token store's key (default the locationId; an agency's pair is `company:<companyId>`) */
  tokenKey?: string
  /** what a usable stored pair must have grown from, instead of the hash of `refreshToken` (installs) */
  seedHash?: string
  /** the token's user type in a refresh grant */
  userType: 'Location' | 'Company'
  /**
   * A first pair when the store holds none, and a fresh one when the stored refresh token
   * is refused (a location token minted from the agency's); without it, `refreshToken` is exchanged.
   */
  mint?: () => Promise<IssuedTokens>
  /** HighLevel said the install is gone (deactivated, uninstalled): the registry records it */
  onGone?: (err: HighLevelInstallGoneError) => void
}

export const seedHash = (refreshToken: string): string => createHash('sha256').update(refreshToken).digest('hex')

/**
 * OAuth for one location, with HighLevel's single-use refresh tokens.
 *
 * Why the new pair is saved before the access token is handed out: the old refresh token
 * is spent the moment HighLevel answers. Were the process to die after using the new
 * access token but before saving, the next start would hold only a dead refresh token
 * and the location would need reconnecting by hand.
 *
 * Why one promise per refresh: concurrent callers (several jobs that all met a 401) must
 * share one exchange; two exchanges with the same refresh token would spend it twice and
 * the second would fail. This serialises within a process only; replicas sharing a
 * PostgreSQL store need a row lock around the refresh (the PostgreSQL store's concern).
 */
export class OAuthAuth implements AuthProvider {
  readonly kind = 'oauth' as const
  readonly locationId: string
  readonly #opts: OAuthAuthOptions
  readonly #seedHash: string
  readonly #marginMs: number
  readonly #now: () => number
  #current: OAuthTokens | undefined
  #loaded = false
  #refreshing: Promise<string> | null = null

  constructor(opts: OAuthAuthOptions) {
    this.#opts = opts
    this.locationId = opts.locationId
    this.#seedHash = opts.seedHash ?? seedHash(opts.refreshToken)
    this.#marginMs = opts.refreshMarginMs
    this.#now = opts.now ?? Date.now
  }

  async accessToken(): Promise<string> {
    if (this.#refreshing !== null) return this.#refreshing
    const current = await this.#load()
    if (current !== undefined && this.#fresh(current)) return current.accessToken
    return this.#refreshOnce()
  }

  async refresh(request: RefreshRequest): Promise<boolean> {
    if (this.#refreshing !== null) {
      await this.#refreshing
      return true
    }
    const current = await this.#load()
    // Another caller refreshed since this one's request left: just retry with the new token.
    if (current !== undefined && current.accessToken !== request.rejectedToken && this.#fresh(current)) return true
    await this.#refreshOnce(request.rejectedToken)
    return true
  }

  get #key(): string {
    return this.#opts.tokenKey ?? this.locationId
  }

  #fresh(tokens: OAuthTokens): boolean {
    return tokens.expiresAt - this.#marginMs > this.#now()
  }

  /** A stored pair counts only if it grew from the configured app and grant. */
  #usable(tokens: OAuthTokens | undefined): OAuthTokens | undefined {
    return tokens?.clientId === this.#opts.clientId && tokens.seedHash === this.#seedHash ? tokens : undefined
  }

  async #load(): Promise<OAuthTokens | undefined> {
    if (!this.#loaded) {
      this.#current = this.#usable(await this.#opts.store.loadOAuthTokens(this.#key))
      this.#loaded = true
    }
    return this.#current
  }

  #refreshOnce(rejectedToken?: string): Promise<string> {
    this.#refreshing ??= this.#exchange(rejectedToken).finally(() => {
      this.#refreshing = null
    })
    return this.#refreshing
  }

  /**
   * Why the whole re-read, exchange and save run under the store's lock: replicas share
   * the refresh token, and HighLevel lets it be spent once. The second replica waits,
   * re-reads inside the lock and finds the pair the first one saved.
   */
  #exchange(rejectedToken: string | undefined): Promise<string> {
    const { store } = this.#opts
    const run = () => this.#exchangeLocked(rejectedToken)
    return store.withOAuthLock ? store.withOAuthLock(this.#key, run) : run()
  }

  async #exchangeLocked(rejectedToken: string | undefined): Promise<string> {
    const { store, clientId } = this.#opts
    // Re-read: another replica on the same store may have rotated it.
    const stored = this.#usable(await store.loadOAuthTokens(this.#key))
    if (
      stored !== undefined &&
      stored.accessToken !== rejectedToken &&
      stored.accessToken !== this.#current?.accessToken &&
      this.#fresh(stored)
    ) {
      this.#current = stored
      return stored.accessToken
    }
    let issued: IssuedTokens
    try {
      issued = await this.#issue(stored)
    } catch (err) {
      throw this.#refusal(err)
    }
    const now = this.#now()
    const tokens: OAuthTokens = {
      clientId,
      seedHash: this.#seedHash,
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: now + issued.expiresInSec * 1000,
      updatedAt: now,
    }
    await store.saveOAuthTokens(this.#key, tokens)
    this.#current = tokens
    return tokens.accessToken
  }

  async #issue(stored: OAuthTokens | undefined): Promise<IssuedTokens> {
    const { clientId, clientSecret, mint } = this.#opts
    if (stored === undefined && mint) return mint()
    const grant = {
      clientId,
      clientSecret,
      refreshToken: stored?.refreshToken ?? this.#opts.refreshToken,
      userType: this.#opts.userType,
    }
    try {
      return await this.#opts.exchange(grant)
    } catch (err) {
      // a minted location token's chain broke (revoked, spent): the agency's token mints a new one
      if (mint && isRefusal(err) && installGoneReason(err as HighLevelError) === null) return mint()
      throw err
    }
  }

  #refusal(err: unknown): unknown {
    if (!isRefusal(err)) return err
    const e = err as HighLevelError
    const gone = installGoneReason(e)
    const who = this.#opts.tokenKey ?? `location ${this.locationId}`
    if (gone !== null) {
      const error = new HighLevelInstallGoneError(
        gone,
        gone === 'inactive'
          ? `HighLevel says ${who} is not active (${e.message}); reinstall or reactivate it, then replay its dead letters`
          : `the app is not installed on ${who} any more (${e.message}); install it again, then replay its dead letters`,
        { status: e.status, responseBody: e.responseBody, cause: e },
      )
      this.#opts.onGone?.(error)
      return error
    }
    return new HighLevelOAuthRefreshError(
      `HighLevel refused the OAuth refresh for ${who} (${e.status}: ${e.message}); ` +
        (this.#opts.seedHash === undefined
          ? 'reconnect the app and put the new refresh token in the config'
          : 'install the app on it again'),
      { status: e.status, responseBody: e.responseBody, cause: e },
    )
  }
}

function isRefusal(err: unknown): boolean {
  return (
    err instanceof HighLevelError && err.status !== null && err.status >= 400 && err.status < 500 && err.status !== 429
  )
}
