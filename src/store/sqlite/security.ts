import type { Database, Statement } from 'better-sqlite3'
import { EVERYTHING } from '../../common/scope.js'
import { scopeToText } from '../access.js'
import {
  toStoredSession,
  type NewSession,
  type NonceStore,
  type SessionRow,
  type SessionStore,
  type StoredSession,
} from '../security.js'

/** Console sessions on SQLite; statements prepared on first use (the table exists once migrated). */
export class SqliteSessionStore implements SessionStore {
  #q:
    | {
        prune: Statement<[number]>
        insert: Statement<[string, string, number, number, string, string | null]>
        get: Statement<[string], SessionRow>
        revoke: Statement<[number, string]>
      }
    | undefined

  constructor(private readonly db: () => Database) {}

  get #s() {
    const db = this.db()
    return (this.#q ??= {
      prune: db.prepare('DELETE FROM console_sessions WHERE expires_at < ?'),
      insert: db.prepare(
        'INSERT INTO console_sessions (id, role, created_at, expires_at, scope, via) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      get: db.prepare('SELECT * FROM console_sessions WHERE id = ?'),
      revoke: db.prepare('UPDATE console_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    })
  }

  async open(s: NewSession): Promise<void> {
    const q = this.#s
    this.db()
      .transaction(() => {
        q.prune.run(s.createdAt)
        q.insert.run(s.id, s.role, s.createdAt, s.expiresAt, scopeToText(s.scope ?? EVERYTHING), s.via ?? null)
      })
      .immediate()
  }

  async get(id: string): Promise<StoredSession | undefined> {
    const row = this.#s.get.get(id)
    return row === undefined ? undefined : toStoredSession(row)
  }

  async revoke(id: string, at: number): Promise<void> {
    this.#s.revoke.run(at, id)
  }
}

/** Used one-time values on SQLite: the check and the insert are one statement. */
export class SqliteNonceStore implements NonceStore {
  #q:
    | {
        prune: Statement<[number]>
        insert: Statement<[string, string, number]>
        release: Statement<[string, string]>
      }
    | undefined

  constructor(private readonly db: () => Database) {}

  get #s() {
    const db = this.db()
    return (this.#q ??= {
      prune: db.prepare('DELETE FROM used_nonces WHERE expires_at <= ?'),
      insert: db.prepare('INSERT INTO used_nonces (kind, nonce, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      release: db.prepare('DELETE FROM used_nonces WHERE kind = ? AND nonce = ?'),
    })
  }

  async release(kind: string, nonce: string): Promise<void> {
    this.#s.release.run(kind, nonce)
  }

  async use(kind: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    const q = this.#s
    return this.db()
      .transaction(() => {
        q.prune.run(now)
        return q.insert.run(kind, nonce, expiresAt).changes === 1
      })
      .immediate()
  }
}
