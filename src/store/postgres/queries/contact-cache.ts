import type { Queryable } from '../pool.js'

/**
 * The contact resolution cache, as in the SQLite store: one row per (location, key);
 * expired rows are ignored on read and pruned on write.
 */
export async function lookupContacts(
  db: Queryable,
  location: string,
  keys: string[],
  now: number,
): Promise<Map<string, string>> {
  const { rows } = await db.query<{ key: string; contact_id: string }>(
    'SELECT key, contact_id FROM contact_cache WHERE location = $1 AND key = ANY ($2::text[]) AND expires_at > $3',
    [location, keys, now],
  )
  return new Map(rows.map((r) => [r.key, r.contact_id]))
}

export async function rememberContacts(
  db: Queryable,
  location: string,
  entries: { key: string; contactId: string }[],
  expiresAt: number,
  now: number,
): Promise<void> {
  await db.query('DELETE FROM contact_cache WHERE expires_at <= $1', [now])
  await db.query(
    `INSERT INTO contact_cache (location, key, contact_id, expires_at)
     SELECT $1, k, c, $4 FROM unnest($2::text[], $3::text[]) AS e(k, c)
     ON CONFLICT (location, key) DO UPDATE SET contact_id = excluded.contact_id, expires_at = excluded.expires_at`,
    [location, entries.map((e) => e.key), entries.map((e) => e.contactId), expiresAt],
  )
}

export async function forgetContacts(db: Queryable, location: string, keys: string[]): Promise<void> {
  await db.query('DELETE FROM contact_cache WHERE location = $1 AND key = ANY ($2::text[])', [location, keys])
}
