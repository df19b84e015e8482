import type { Database } from 'better-sqlite3'
import type { NewEvent } from '../../types.js'
import { toJson } from '../rows.js'
import type { EventRow } from '../rows.js'

/** Queries on `events`: one SQL statement each, prepared once per connection. */
export function prepareEventQueries(db: Database) {
  const insert = db.prepare<EventRow>(`
    INSERT INTO events (id, source, received_at, headers, body, tags, "explain")
    VALUES (@id, @source, @received_at, @headers, @body, @tags, @explain)`)
  const select = db.prepare<[string], EventRow>('SELECT * FROM events WHERE id = ?')
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events')

  return {
    insertEvent(event: NewEvent): void {
      insert.run({
        id: event.id,
        source: event.source,
        received_at: event.receivedAt,
        headers: toJson(event.headers),
        body: toJson(event.body),
        tags: toJson(event.tags),
        explain: toJson(event.explain),
      })
    },
    selectEvent(id: string): EventRow | undefined {
      return select.get(id)
    },
    countEvents(): number {
      return count.get()?.n ?? 0
    },
  }
}
