import type { OAuthTokens } from '../../types.js'
import { toOAuthTokens, type OAuthRow } from '../../rows.js'
import type { Queryable } from '../pool.js'

export async function loadOAuthTokens(db: Queryable, location: string): Promise<OAuthTokens | undefined> {
  const { rows } = await db.query<OAuthRow>(
    'SELECT client_id, seed_hash, access_token, refresh_token, expires_at, updated_at FROM oauth_tokens WHERE location = $1',
    [location],
  )
  const row = rows[0]
  if (row === undefined) return undefined
  return toOAuthTokens(row)
}

/** One row per location; a save replaces it whole (the old refresh token is spent). */
export async function saveOAuthTokens(db: Queryable, location: string, t: OAuthTokens): Promise<void> {
  await db.query(
    `INSERT INTO oauth_tokens (location, client_id, seed_hash, access_token, refresh_token, expires_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (location) DO UPDATE SET
       client_id = excluded.client_id, seed_hash = excluded.seed_hash, access_token = excluded.access_token,
       refresh_token = excluded.refresh_token, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
    [location, t.clientId, t.seedHash, t.accessToken, t.refreshToken, Math.round(t.expiresAt), Math.round(t.updatedAt)],
  )
}
