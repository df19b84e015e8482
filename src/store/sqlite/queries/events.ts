import type { Database } from 'better-sqlite3'
import type { EventRow } from '../../rows.js'

/** Queries on `events`: one SQL statement each, prepared once per connection. */
export function prepareEventQueries(db: Database) {
  const insert = db.prepare<EventRow>(`
    INSERT INTO events (id, source, received_at, headers, body, tags, "explain", contact_id, contact_email, contact_phone)
    VALUES (@id, @source, @received_at, @headers, @body, @tags, @explain, @contact_id, @contact_email, @contact_phone)`)
  const select = db.prepare<[string], EventRow>('SELECT * FROM events WHERE id = ?')
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events')

  return {
    /** `row` has its JSON columns serialised already (see accept.ts `toAcceptRow`). */
    insertEvent(row: EventRow): void {
      insert.run(row)
    },
    selectEvent(id: string): EventRow | undefined {
      return select.get(id)
    },
    countEvents(): number {
      return count.get()?.n ?? 0
    },
  }
}
