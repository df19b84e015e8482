import type pg from 'pg'
import {
  AUTH_FAILURE_MESSAGE_MAX,
  RECORD_AUTH_FAILURE_SQL,
  toStoredAuthFailure,
  type AuthFailureRow,
  type AuthFailureStore,
  type StoredAuthFailure,
} from '../auth-failures.js'

/**
 * Failing credentials on PostgreSQL (see the SQLite twin). Replicas share the rows: the
 * first to see a run of failures records its start, the others keep it.
 */
export class PostgresAuthFailureStore implements AuthFailureStore {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<StoredAuthFailure[]> {
    const { rows } = await this.pool.query<AuthFailureRow>(
      'SELECT * FROM auth_failures ORDER BY failing_since, location_id',
    )
    return rows.map(toStoredAuthFailure)
  }

  async record(f: StoredAuthFailure): Promise<void> {
    await this.pool.query(RECORD_AUTH_FAILURE_SQL(['$1', '$2', '$3', '$4']), [
      f.locationId,
      f.failingSince,
      f.lastCode,
      f.lastMessage.slice(0, AUTH_FAILURE_MESSAGE_MAX),
    ])
  }

  async clear(locationId: string): Promise<void> {
    await this.pool.query('DELETE FROM auth_failures WHERE location_id = $1', [locationId])
  }
}
