/**
 * The store module's public face: the `Store` contract and `openStore()`. Other modules
 * import from here only, never from `./sqlite` directly.
 */
import { TagrelayError } from '../errors.js'
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
  EventRecord,
  Job,
  JobStatus,
  NewEvent,
  NewJob,
  OAuthTokens,
  Store,
} from './types.js'
export type { SqliteOptions } from './sqlite/store.js'
export type { StoreLocation } from './url.js'
export { parseStoreUrl } from './url.js'
export { latestVersion as latestSchemaVersion } from './sqlite/migrations.js'

/**
 * Opens the store named by `store.url` and migrates it to this build's schema before
 * returning, so callers never see a half-ready store. If migration fails (for example
 * `TAGRELAY_STORE_SCHEMA_TOO_NEW`) the connection is closed and the error rethrown.
 */
export async function openStore(url: string, options: { sqlite?: SqliteOptions } = {}): Promise<Store> {
  const location = parseStoreUrl(url)
  if (location.kind === 'postgres') {
    throw new TagrelayError(
      'TAGRELAY_STORE_UNSUPPORTED',
      'PostgreSQL store is not available yet in this version; use store.url: sqlite:<path>',
      500,
    )
  }
  const store = openSqliteStore(location.path, options.sqlite)
  try {
    await store.migrate()
  } catch (err) {
    await store.close()
    throw err
  }
  return store
}
