import type { Database } from 'better-sqlite3'
import type { AppliedTag, TagFence } from '../../types.js'

/**
 * The tag fence (migrations/050-last-word-fence.ts): read before a round sends, written in
 * the transaction that completes the round's jobs. The upsert keeps the newer sequence
 * (`WHERE excluded.seq > seq`), so a late writer never moves a tag's fence back.
 */
export function prepareFenceQueries(db: Database) {
  const load = db.prepare<
    { location: string; ids: string },
    { contact_id: string; tag: string; seq: number; event_id: string }
  >(`
    SELECT contact_id, tag, seq, event_id FROM tag_fence
    WHERE location = @location AND contact_id IN (SELECT value FROM json_each(@ids))`)
  const upsert = db.prepare<{
    location: string
    contact_id: string
    tag: string
    seq: number
    event_id: string
    now: number
  }>(`
    INSERT INTO tag_fence (location, contact_id, tag, seq, event_id, updated_at)
    VALUES (@location, @contact_id, @tag, @seq, @event_id, @now)
    ON CONFLICT (location, contact_id, tag) DO UPDATE SET
      seq = excluded.seq, event_id = excluded.event_id, updated_at = excluded.updated_at
    WHERE excluded.seq > tag_fence.seq`)
  return {
    loadFence(location: string, contactIds: string[]): Map<string, Map<string, TagFence>> {
      const out = new Map<string, Map<string, TagFence>>()
      for (const r of load.all({ location, ids: JSON.stringify(contactIds) })) {
        const tags = out.get(r.contact_id) ?? new Map<string, TagFence>()
        tags.set(r.tag, { seq: r.seq, eventId: r.event_id })
        out.set(r.contact_id, tags)
      }
      return out
    },
    recordApplied(applied: readonly AppliedTag[], now: number): void {
      for (const a of applied)
        upsert.run({ location: a.location, contact_id: a.contactId, tag: a.tag, seq: a.seq, event_id: a.eventId, now })
    },
  }
}
