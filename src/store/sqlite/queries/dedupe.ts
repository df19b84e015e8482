import type { Database } from 'better-sqlite3'

interface FirstRow {
  event_id: string
  tags: string | null
  explain: string | null
}

/** Queries on `dedupe`: the delivery ids already seen, per source. */
export function prepareDedupeQueries(db: Database) {
  const find = db.prepare<[string, string, number], FirstRow>(`
    SELECT d.event_id, e.tags, e."explain"
    FROM dedupe d LEFT JOIN events e ON e.id = d.event_id
    WHERE d.source = ? AND d.key = ? AND d.expires_at > ?`)
  // an expired row for the same key is replaced: the key is live again for the new event
  const upsert = db.prepare<[string, string, string, number]>(`
    INSERT INTO dedupe (source, key, event_id, expires_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (source, key) DO UPDATE SET event_id = excluded.event_id, expires_at = excluded.expires_at`)
  const prune = db.prepare<[number]>('DELETE FROM dedupe WHERE expires_at <= ?')

  return {
    findLiveKey(source: string, key: string, now: number): FirstRow | undefined {
      return find.get(source, key, now)
    },
    rememberKey(source: string, key: string, eventId: string, expiresAt: number): void {
      upsert.run(source, key, eventId, expiresAt)
    },
    pruneKeys(now: number): number {
      return prune.run(now).changes
    },
  }
}
