import type { Database } from 'better-sqlite3'
import type { OAuthTokens } from '../../types.js'
import { toOAuthTokens, type OAuthRow } from '../../rows.js'

/** One row per location; a save replaces it whole (the old refresh token is spent). */
export function prepareOAuthQueries(db: Database) {
  const select = db.prepare<[string], OAuthRow>(
    'SELECT client_id, seed_hash, access_token, refresh_token, expires_at, updated_at FROM oauth_tokens WHERE location = ?',
  )
  const upsert = db.prepare<OAuthRow & { location: string }>(`
    INSERT INTO oauth_tokens (location, client_id, seed_hash, access_token, refresh_token, expires_at, updated_at)
    VALUES (@location, @client_id, @seed_hash, @access_token, @refresh_token, @expires_at, @updated_at)
    ON CONFLICT (location) DO UPDATE SET
      client_id = excluded.client_id, seed_hash = excluded.seed_hash,
      access_token = excluded.access_token, refresh_token = excluded.refresh_token,
      expires_at = excluded.expires_at, updated_at = excluded.updated_at`)

  return {
    selectOAuthTokens(location: string): OAuthTokens | undefined {
      const row = select.get(location)
      if (row === undefined) return undefined
      return toOAuthTokens(row)
    },
    upsertOAuthTokens(location: string, t: OAuthTokens): void {
      upsert.run({
        location,
        client_id: t.clientId,
        seed_hash: t.seedHash,
        access_token: t.accessToken,
        refresh_token: t.refreshToken,
        expires_at: Math.round(t.expiresAt),
        updated_at: Math.round(t.updatedAt),
      })
    },
  }
}
