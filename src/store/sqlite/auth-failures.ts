import type { Database, Statement } from 'better-sqlite3'
import {
  AUTH_FAILURE_MESSAGE_MAX,
  RECORD_AUTH_FAILURE_SQL,
  toStoredAuthFailure,
  type AuthFailureRow,
  type AuthFailureStore,
  type StoredAuthFailure,
} from '../auth-failures.js'

/**
 * Failing credentials on SQLite. Writes go through the engine's grouped writes on the
 * main connection (`write`, main-writes.ts): the lock is waited for with timers, not on
 * the event loop. Statements are prepared on first use (the table exists once migrated).
 */
export class SqliteAuthFailureStore implements AuthFailureStore {
  #q:
    | {
        list: Statement<[], AuthFailureRow>
        record: Statement<[string, number, string, string]>
        clear: Statement<[string]>
      }
    | undefined

  constructor(
    private readonly db: () => Database,
    private readonly write: <T>(op: () => T) => Promise<T>,
  ) {}

  get #s() {
    const db = this.db()
    return (this.#q ??= {
      list: db.prepare('SELECT * FROM auth_failures ORDER BY failing_since, location_id'),
      record: db.prepare(RECORD_AUTH_FAILURE_SQL(['?', '?', '?', '?'])),
      clear: db.prepare('DELETE FROM auth_failures WHERE location_id = ?'),
    })
  }

  async list(): Promise<StoredAuthFailure[]> {
    return this.#s.list.all().map(toStoredAuthFailure)
  }

  async record(f: StoredAuthFailure): Promise<void> {
    const q = this.#s
    const message = f.lastMessage.slice(0, AUTH_FAILURE_MESSAGE_MAX)
    await this.write(() => q.record.run(f.locationId, f.failingSince, f.lastCode, message))
  }

  async clear(locationId: string): Promise<void> {
    const q = this.#s
    await this.write(() => q.clear.run(locationId))
  }
}
