import type { TokenStore } from './roles.js'
import { toOAuthTokens, type OAuthRow } from './rows.js'
import type { Sql } from './sql.js'
import type { OAuthTokens } from './types.js'

/**
 * OAuth token pairs over either store, one row per location; a save replaces it whole
 * (the old refresh token is spent) and keeps the configured durability. The refresh lock
 * is each store's own (`withOAuthLock`).
 */
export class TokensSql implements Omit<TokenStore, 'withOAuthLock'> {
  constructor(private readonly sql: Sql) {}

  async loadOAuthTokens(location: string): Promise<OAuthTokens | undefined> {
    const row = await this.sql.get<OAuthRow>(
      'SELECT client_id, seed_hash, access_token, refresh_token, expires_at, updated_at FROM oauth_tokens WHERE location = $1',
      [location],
    )
    return row && toOAuthTokens(row)
  }

  async saveOAuthTokens(location: string, t: OAuthTokens): Promise<void> {
    await this.sql.run(
      `INSERT INTO oauth_tokens (location, client_id, seed_hash, access_token, refresh_token, expires_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (location) DO UPDATE SET
         client_id = excluded.client_id, seed_hash = excluded.seed_hash, access_token = excluded.access_token,
         refresh_token = excluded.refresh_token, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      [
        location,
        t.clientId,
        t.seedHash,
        t.accessToken,
        t.refreshToken,
        Math.round(t.expiresAt),
        Math.round(t.updatedAt),
      ],
      { group: true, durable: true },
    )
  }
}
