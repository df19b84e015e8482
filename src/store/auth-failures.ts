/**
 * Locations whose HighLevel credentials are failing (an OAuth refresh refused, a 401 or
 * 403), kept in the store so that "failing since" survives a restart. Migration 70; the
 * SQL is the same on both stores but for the integer type of a time. The delivery
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

export interface AuthFailureStore {
  /** every location whose run of failures has not ended */
  list(): Promise<StoredAuthFailure[]>
  /**
   * Records a failure: a new run starts at `failingSince`; for a run already recorded,
   * only the code and message change (the run's start is kept).
   */
  record(failure: StoredAuthFailure): Promise<void>
  /** the run ended (a call succeeded); an unknown location is a no-op */
  clear(locationId: string): Promise<void>
}

/** The role as a store carries it beside the delivery contract. */
export interface AuthFailureRoles {
  readonly authFailures: AuthFailureStore
}

export interface AuthFailureRow {
  location_id: string
  failing_since: number | string
  last_code: string
  last_message: string
}

export const toStoredAuthFailure = (r: AuthFailureRow): StoredAuthFailure => ({
  locationId: r.location_id,
  failingSince: Number(r.failing_since),
  lastCode: r.last_code,
  lastMessage: r.last_message,
})

/** A message is kept at most this long (HighLevel's bodies can be long; the reason fits a line). */
export const AUTH_FAILURE_MESSAGE_MAX = 1_000

/** The upsert both stores run (placeholders aside): the run's start stays, the last error changes. */
export const RECORD_AUTH_FAILURE_SQL = (p: [string, string, string, string]) => `
  INSERT INTO auth_failures (location_id, failing_since, last_code, last_message) VALUES (${p.join(', ')})
  ON CONFLICT (location_id) DO UPDATE SET last_code = excluded.last_code, last_message = excluded.last_message`
