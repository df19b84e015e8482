import type { Database } from 'better-sqlite3'

/**
 * The contact resolution cache: one row per (location, 'email:..'/'phone:..'). Expired
 * rows are ignored on read and pruned on write, so the table stays the size of the TTL.
 */
export function prepareContactCacheQueries(db: Database) {
  const lookup = db.prepare<{ location: string; keys: string; now: number }, { key: string; contact_id: string }>(`
    SELECT key, contact_id FROM contact_cache
    WHERE location = @location AND key IN (SELECT value FROM json_each(@keys)) AND expires_at > @now`)
  const put = db.prepare<{ location: string; key: string; contact_id: string; expires_at: number }>(`
    INSERT INTO contact_cache (location, key, contact_id, expires_at) VALUES (@location, @key, @contact_id, @expires_at)
    ON CONFLICT (location, key) DO UPDATE SET contact_id = excluded.contact_id, expires_at = excluded.expires_at`)
  const prune = db.prepare<[number]>('DELETE FROM contact_cache WHERE expires_at <= ?')
  const forget = db.prepare<[string, string]>('DELETE FROM contact_cache WHERE location = ? AND key = ?')

  return {
    lookupContacts(location: string, keys: string[], now: number): Map<string, string> {
      return new Map(lookup.all({ location, keys: JSON.stringify(keys), now }).map((r) => [r.key, r.contact_id]))
    },
    rememberContacts(
      location: string,
      entries: { key: string; contactId: string }[],
      expiresAt: number,
      now: number,
    ): void {
      prune.run(now)
      for (const e of entries) put.run({ location, key: e.key, contact_id: e.contactId, expires_at: expiresAt })
    },
    forgetContacts(location: string, keys: string[]): void {
      for (const key of keys) forget.run(location, key)
    },
  }
}
