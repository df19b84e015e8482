import type pg from 'pg'
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

/** Console sessions on PostgreSQL (see the SQLite twin). */
export class PostgresSessionStore implements SessionStore {
  constructor(private readonly pool: pg.Pool) {}

  async open(s: NewSession): Promise<void> {
    await this.pool.query('DELETE FROM console_sessions WHERE expires_at < $1', [s.createdAt])
    await this.pool.query(
      'INSERT INTO console_sessions (id, role, created_at, expires_at, scope, via) VALUES ($1, $2, $3, $4, $5, $6)',
      [s.id, s.role, s.createdAt, s.expiresAt, scopeToText(s.scope ?? EVERYTHING), s.via ?? null],
    )
  }

  async get(id: string): Promise<StoredSession | undefined> {
    const { rows } = await this.pool.query<SessionRow>('SELECT * FROM console_sessions WHERE id = $1', [id])
    return rows[0] === undefined ? undefined : toStoredSession(rows[0])
  }

  async revoke(id: string, at: number): Promise<void> {
    await this.pool.query('UPDATE console_sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])
  }
}

/**
 * Used one-time values on PostgreSQL. The insert decides: of two replicas using the same
 * value at once, the primary key lets exactly one row in.
 */
export class PostgresNonceStore implements NonceStore {
  constructor(private readonly pool: pg.Pool) {}

  async use(kind: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    await this.pool.query('DELETE FROM used_nonces WHERE expires_at <= $1', [now])
    const res = await this.pool.query(
      'INSERT INTO used_nonces (kind, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [kind, nonce, expiresAt],
    )
    return res.rowCount === 1
  }

  async release(kind: string, nonce: string): Promise<void> {
    await this.pool.query('DELETE FROM used_nonces WHERE kind = $1 AND nonce = $2', [kind, nonce])
  }
}
