import { q, SqlRole } from './sql.js'

const REMEMBER = 'INSERT INTO contact_cache (location, key, contact_id, expires_at)'
const REPLACE =
  'ON CONFLICT (location, key) DO UPDATE SET contact_id = excluded.contact_id, expires_at = excluded.expires_at'

/**
 * The contact resolution cache over either store: one row per (location, 'email:..' or
 * 'phone:..'). Expired rows are ignored on read and pruned on write, so the table stays
 * the size of the TTL. Writes go with the engine's grouped writes on SQLite.
 */
export class ContactsSql extends SqlRole {
  /** cached contact ids for `keys` ('email:..', 'phone:..') of a location, unexpired at `now` */
  async lookup(location: string, keys: string[], now: number): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map()
    const rows = await this.sql.all<{ key: string; contact_id: string }>(
      'SELECT key, contact_id FROM contact_cache WHERE location = $1 AND key = ANY ($2::text[]) AND expires_at > $3',
      [location, keys, now],
    )
    return new Map(rows.map((r) => [r.key, r.contact_id]))
  }

  /** remembers key -> contact id until `expiresAt` (replacing older entries) */
  async remember(location: string, entries: { key: string; contactId: string }[], expiresAt: number): Promise<void> {
    if (entries.length === 0) return
    const now = Date.now()
    const postgres = this.sql.dialect === 'postgres'
    await this.sql.write(
      function* () {
        yield* q.run('DELETE FROM contact_cache WHERE expires_at <= $1', [now])
        // PostgreSQL: one statement for all (a round trip each would add up); SQLite: one per row, no round trip
        if (postgres)
          yield* q.run(`${REMEMBER} SELECT $1, k, c, $4 FROM unnest($2::text[], $3::text[]) AS e(k, c) ${REPLACE}`, [
            location,
            entries.map((e) => e.key),
            entries.map((e) => e.contactId),
            expiresAt,
          ])
        else
          for (const e of entries)
            yield* q.run(`${REMEMBER} VALUES ($1, $2, $3, $4) ${REPLACE}`, [location, e.key, e.contactId, expiresAt])
      },
      { group: true },
    )
  }

  /** drops cached keys (the contact id turned out stale) */
  async forget(location: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return
    await this.sql.run('DELETE FROM contact_cache WHERE location = $1 AND key = ANY ($2::text[])', [location, keys], {
      group: true,
    })
  }
}
