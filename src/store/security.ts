import { EVERYTHING, type Scope } from '../common/scope.js'
import { fromScopedRow, scopeToText } from './access.js'
import type { Row } from './rows.js'
import { q, SqlRole } from './sql.js'

/**
 * What the service's defences keep in the store, so that every replica (and a restart)
 * sees them: console sessions (a sign-out holds everywhere until the session expires) and
 * used one-time values (an OAuth install's state, an app webhook's id). Migrations 65-66.
 */

/**
 * One console session. The table is deliberately general (an id, who, when it ends,
 * whether it was ended early) so that other kinds of sessions can be kept beside the
 * admin/viewer ones: `role` is free text to the store.
 */
export interface StoredSession {
  /** random per sign-in; the signed cookie carries it */
  id: string
  /** what the session may do: 'admin' or 'viewer' today */
  role: string
  /** epoch ms */
  createdAt: number
  expiresAt: number
  /** epoch ms of the sign-out; null while the session holds */
  revokedAt: number | null
  /** what the session may see (migration 80); sessions from before are scope `all` */
  scope: Scope
  /** how it was opened: 'sign-in', 'sso', 'portal-link' (null before migration 80) */
  via: string | null
}

/** What opening a session records; scope defaults to `all` and via to null. */
export type NewSession = Omit<StoredSession, 'revokedAt' | 'scope' | 'via'> & { scope?: Scope; via?: string }

const toStoredSession = fromScopedRow<StoredSession>

/** Console sessions over either store. */
export class SessionsSql extends SqlRole {
  /** records a new session (and drops sessions that expired before its start) */
  async open(s: NewSession): Promise<void> {
    await this.sql.write(function* () {
      yield* q.run('DELETE FROM console_sessions WHERE expires_at < $1', [s.createdAt])
      yield* q.run(
        'INSERT INTO console_sessions (id, role, created_at, expires_at, scope, via) VALUES ($1, $2, $3, $4, $5, $6)',
        [s.id, s.role, s.createdAt, s.expiresAt, scopeToText(s.scope ?? EVERYTHING), s.via ?? null],
      )
    })
  }

  async get(id: string): Promise<StoredSession | undefined> {
    const row = await this.sql.get<Row>('SELECT * FROM console_sessions WHERE id = $1', [id])
    return row && toStoredSession(row)
  }

  /** ends the session at `at` (a sign-out); a revoked or unknown session is left as it is */
  async revoke(id: string, at: number): Promise<void> {
    await this.sql.run('UPDATE console_sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])
  }
}

/**
 * Used one-time values over either store. The insert decides: of two replicas using the
 * same value at once, the primary key lets exactly one row in.
 */
export class NoncesSql extends SqlRole {
  /**
   * Records `nonce` of `kind` as used until `expiresAt`: true the first time, false when
   * it is already recorded and unexpired (a replay). Drops expired nonces of every kind.
   */
  async use(kind: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    const inserted = await this.sql.write(function* () {
      yield* q.run('DELETE FROM used_nonces WHERE expires_at <= $1', [now])
      return yield* q.run(
        'INSERT INTO used_nonces (kind, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [kind, nonce, expiresAt],
      )
    })
    return inserted === 1
  }

  /** forgets a use whose action failed, so the sender's retry is not taken for a replay */
  async release(kind: string, nonce: string): Promise<void> {
    await this.sql.run('DELETE FROM used_nonces WHERE kind = $1 AND nonce = $2', [kind, nonce])
  }
}
