import { fromRow, type Row } from './rows.js'
import { SqlRole } from './sql.js'

/**
 * Locations whose HighLevel credentials are failing (an OAuth refresh refused, a 401 or
 * 403), kept in the store so that "failing since" survives a restart. Migration 70. The delivery
 * engine's AuthHealth (src/delivery/auth-health.ts) writes a row when a run of failures
 * starts or its error code changes, and deletes it when a call of the location succeeds.
 */

/** The start of one location's current run of credential failures. */
export interface StoredAuthFailure {
  /** HighLevel locationId */
  locationId: string
  /** epoch ms of the first failure of the run */
  failingSince: number
  lastCode: string
  lastMessage: string
}

/** A message is kept at most this long (HighLevel's bodies can be long; the reason fits a line). */
const AUTH_FAILURE_MESSAGE_MAX = 1_000

/**
 * The role over either store. Replicas share the rows: the first to see a run of
 * failures records its start, the others keep it. On SQLite, writes go with the engine's
 * grouped writes (sqlite/main-writes.ts): the lock is waited for with timers.
 */
export class AuthFailuresSql extends SqlRole {
  /** every location whose run of failures has not ended */
  async list(): Promise<StoredAuthFailure[]> {
    const rows = await this.sql.all<Row>('SELECT * FROM auth_failures ORDER BY failing_since, location_id')
    return rows.map((r) => fromRow<StoredAuthFailure>(r))
  }

  /**
   * Records a failure: a new run starts at `failingSince`; for a run already recorded,
   * only the code and message change (the run's start is kept).
   */
  async record(f: StoredAuthFailure): Promise<void> {
    await this.sql.run(
      `INSERT INTO auth_failures (location_id, failing_since, last_code, last_message) VALUES ($1, $2, $3, $4)
       ON CONFLICT (location_id) DO UPDATE SET last_code = excluded.last_code, last_message = excluded.last_message`,
      [f.locationId, f.failingSince, f.lastCode, f.lastMessage.slice(0, AUTH_FAILURE_MESSAGE_MAX)],
      { group: true },
    )
  }

  /** the run ended (a call succeeded); an unknown location is a no-op */
  async clear(locationId: string): Promise<void> {
    await this.sql.run('DELETE FROM auth_failures WHERE location_id = $1', [locationId], { group: true })
  }
}
