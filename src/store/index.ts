/**
 * The store module's public face: the `Store` contract and `openStore()`. Other modules
 * import from here only, never from `./sqlite` directly.
 */
import type { PostgresOptions } from './postgres/pool.js'
import type { SqliteOptions } from './sqlite/open.js'
import type { Store } from './roles.js'
import { parseStoreUrl } from './url.js'

export type * from './types.js'
export type * from './roles.js'
export type * from './directory.js'
export type * from './ops/types.js'
export type * from './security.js'
export type * from './access.js'
export type * from './auth-failures.js'
export { REFUSED_HEAD_BYTES } from './refused.js'
export type { SqliteOptions, PostgresOptions }
export { PostgresRateWindowLog } from './postgres/rate-window.js'
export { RetentionTimer } from './retention.js'
/** the tag form the last-word fence compares (delivery's in-doubt check reads tags the same way) */
export { fenceTag } from './person-order.js'

export { parseStoreUrl, type StoreLocation } from './url.js'
export { latestVersion as latestSchemaVersion } from './migrations/index.js'

/** What `openStore` needs: the `store` section of the config (its other keys are ignored). */
export interface StoreSettings {
  /** `sqlite:<path>`, `sqlite::memory:` or `postgres://...` */
  url: string
  sqlite?: SqliteOptions
  postgres?: PostgresOptions
  /** apply pending migrations before returning (default true; `store.migrate: false`) */
  migrate?: boolean
}

/**
 * The one way to open a store: from the config's `store` section, so that the server and
 * every command open it with the same options (schema, pool size, SQLite durability).
 * It migrates to this build's schema before returning, so callers never see a half-ready
 * store. If migration fails (for example `TAGRELAY_STORE_SCHEMA_TOO_NEW`) the connection
 * is closed and the error rethrown.
 *
 * Why `migrate: false` exists: with several replicas an operator may prefer to run
 * `tagrelay migrate` once, as a deploy step, and start replicas that never touch DDL.
 * The migration itself is safe either way (an advisory lock serialises replicas). A
 * store that cannot check its schema without migrating (SQLite, one process's file)
 * always migrates.
 *
 * Why the implementation is imported here, when a store is opened, and not with this
 * module: every command imports this module (the config names a store URL), and most never
 * open a store. Loading both drivers (pg, and better-sqlite3's native addon) with their
 * ~60 modules was about a third of the CPU time of `tagrelay check` or `tagrelay
 * healthcheck`; a process that opens one store now loads only its own driver.
 */
export async function openStore(settings: StoreSettings): Promise<Store> {
  const location = parseStoreUrl(settings.url)
  const store: Store =
    location.kind === 'postgres'
      ? (await import('./postgres/store.js')).openPostgresStore(location.url, settings.postgres)
      : (await import('./sqlite/store.js')).openSqliteStore(location.path, settings.sqlite)
  try {
    if (settings.migrate === false && store.verifySchema) await store.verifySchema()
    else await store.migrate()
  } catch (err) {
    await store.close()
    throw err
  }
  return store
}
