import { fromRow, upsert, type Row } from './rows.js'
import type { Sql } from './sql.js'
import type { OAuthTokens } from './types.js'

const SAVE = upsert(
  'oauth_tokens',
  'location, client_id, seed_hash, access_token, refresh_token, expires_at, updated_at',
  'location',
)

/**
 * OAuth token pairs over either store, one row per location; a save replaces it whole
 * (the old refresh token is spent) and keeps the configured durability. The refresh lock
 * is each store's own (`withOAuthLock`).
 */
export class TokensSql {
  constructor(
    private readonly sql: Sql,
    /**
     * Runs `fn` while holding the location's OAuth refresh lock: on PostgreSQL an advisory
     * lock shared by every replica, on SQLite a lock within the process. `fn` should
     * reload the tokens first: another holder may have refreshed them meanwhile.
     */
    readonly withOAuthLock: <T>(location: string, fn: () => Promise<T>) => Promise<T>,
  ) {}

  /** the stored OAuth pair of a location (keyed by HighLevel locationId), if any */
  async loadOAuthTokens(location: string): Promise<OAuthTokens | undefined> {
    const row = await this.sql.get<Row>(
      'SELECT client_id, seed_hash, access_token, refresh_token, expires_at, updated_at FROM oauth_tokens WHERE location = $1',
      [location],
    )
    return row && fromRow<OAuthTokens>(row)
  }

  /** replaces the location's pair; resolves once durable (a refresh token is single-use) */
  async saveOAuthTokens(location: string, t: OAuthTokens): Promise<void> {
    await this.sql.run(SAVE.text, SAVE.values({ location, ...t }), { group: true, durable: true })
  }
}
