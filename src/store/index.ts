/**
 * The store module's public face: the `Store` contract and `openStore()`. Other modules
 * import from here only, never from `./sqlite` directly.
 */
import { openPostgresStore, PostgresStore } from './postgres/store.js'
import type { PostgresOptions } from './postgres/store.js'
import { PostgresRateWindowLog } from './postgres/rate-window.js'
import type { RateWindowLog } from './postgres/rate-window.js'
import { openSqliteStore } from './sqlite/store.js'
import type { SqliteOptions } from './sqlite/store.js'
import type { Store } from './types.js'
import { parseStoreUrl } from './url.js'

export type {
  AcceptOptions,
  AcceptResult,
  AttemptRecord,
  ClaimOptions,
  DeadLetter,
  DeadLetterFilter,
  ContactRef,
  EventFilter,
  EventRecord,
  EventStatus,
  EventSummary,
  LocationQueue,
  StoredAttempt,
  Job,
  JobStatus,
  NewEvent,
  NewJob,
  OAuthTokens,
  Store,
} from './types.js'
export type { SqliteOptions } from './sqlite/store.js'
export type { PostgresOptions } from './postgres/store.js'
export type { Reservation, RateWindowLog, WindowLimits } from './postgres/rate-window.js'
export { PostgresRateWindowLog } from './postgres/rate-window.js'
export { RetentionTimer } from './retention.js'

/**
 * The rate budget shared by every replica of `store`, or undefined when the store is
 * one process's (SQLite): the delivery engine then keeps its budget in memory.
 */
export function sharedRateBudget(store: Store): RateWindowLog | undefined {
  return store instanceof PostgresStore ? new PostgresRateWindowLog(store.pool) : undefined
}
export type { StoreLocation } from './url.js'
export { parseStoreUrl } from './url.js'
export { latestVersion as latestSchemaVersion } from './sqlite/migrations.js'

export interface OpenStoreOptions {
  sqlite?: SqliteOptions
  postgres?: PostgresOptions
  /** apply pending migrations before returning (default true; `store.migrate: false`) */
  migrate?: boolean
}

/**
 * Opens the store named by `store.url` (`sqlite:...` or `postgres://...`) and migrates
 * it to this build's schema before returning, so callers never see a half-ready store.
 * If migration fails (for example `TAGRELAY_STORE_SCHEMA_TOO_NEW`) the connection is
 * closed and the error rethrown.
 *
 * Why `migrate: false` exists: with several replicas an operator may prefer to run
 * `tagrelay migrate` once, as a deploy step, and start replicas that never touch DDL.
 * The migration itself is safe either way (an advisory lock serialises replicas).
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(url)
  const store =
    location.kind === 'postgres'
      ? openPostgresStore(location.url, options.postgres)
      : openSqliteStore(location.path, options.sqlite)
  try {
    // SQLite prepares its statements in migrate() and is one process's file: always migrate it
    if (options.migrate === false && store instanceof PostgresStore) await store.verifySchema()
    else await store.migrate()
  } catch (err) {
    await store.close()
    throw err
  }
  return store
}
