import type { Database } from 'better-sqlite3'

/**
 * Retention. Why only events whose jobs are all done: a pending job is still to be
 * delivered, and a dead one is a dead letter, kept until replayed or discarded. Jobs and
 * attempts go with their event (ON DELETE CASCADE). Expired dedupe keys go too.
 */
export function prepareRetentionQueries(db: Database) {
  const pruneEvents = db.prepare<[number]>(`
    DELETE FROM events WHERE received_at < ?
      AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.event_id = events.id AND j.status <> 'done')`)
  const pruneKeys = db.prepare<[number]>('DELETE FROM dedupe WHERE expires_at <= ?')

  return {
    pruneDelivered(before: number): number {
      const n = pruneEvents.run(before).changes
      pruneKeys.run(before)
      return n
    },
  }
}
