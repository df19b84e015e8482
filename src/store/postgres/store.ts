import type pg from 'pg'
import { codes, TagrelayError } from '../../errors.js'
import { assembleStore, type OwnParts } from '../assemble.js'
import { migrate, missingVersions } from '../migrations/run.js'
import type { Store, StoreLifecycle } from '../roles.js'
import { acceptEvent, insertEventWithJobs } from './accept.js'
import { appliedPostgresVersions, postgresMigrationTarget } from './migrate.js'
import { createPool, type PostgresOptions } from './pool.js'
import { PostgresRateWindowLog } from './rate-window.js'
import { PostgresSql } from './sql.js'

/**
 * What the shared store for several replicas has of its own: a pg pool on one
 * PostgreSQL database, its accept path, the rate budget every replica
 * shares and the OAuth lock they all honour. Every other role is the shared one over
 * `PostgresSql` (../assemble.ts).
 *
 * Why no group commit here (unlike SQLite): PostgreSQL already commits concurrent
 * transactions from many connections together (its WAL writer flushes them in one fsync),
 * so each accept is simply its own transaction on a pooled connection.
 */
class PostgresOwn implements StoreLifecycle {
  readonly kind = 'postgres' as const
  readonly rateWindow: PostgresRateWindowLog
  readonly sql: PostgresSql
  #closed = false

  /** `where`: host:port for error messages (never the URL, which holds the password) */
  constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
    private readonly where: string,
  ) {
    this.sql = new PostgresSql(pool)
    this.rateWindow = new PostgresRateWindowLog(pool)
  }

  /** what this store brings to the roles (../assemble.ts) */
  static parts(s: PostgresOwn): OwnParts {
    return {
      /** Without a dedupe key an accept is one statement (one round trip); with one, a transaction. */
      accept: async (event, jobs, opts = {}) => {
        if (!opts.dedupe) {
          await insertEventWithJobs(s.pool, event, jobs)
          return { duplicate: false }
        }
        return s.sql.transaction((client) => acceptEvent(client, event, jobs, opts))
      },
      /**
       * Why a transaction-scoped advisory lock keyed by the location: replicas share one
       * refresh token, which HighLevel lets be spent once. The lock makes a second replica
       * wait until the first has saved the new pair; it then reloads and finds it fresh. The
       * lock ends with the transaction, so a replica that dies mid-refresh frees it.
       */
      withOAuthLock: async (location, fn) =>
        s.sql.transaction(async (client) => {
          await client.query("SELECT pg_advisory_xact_lock(hashtext('tagrelay.oauth.' || $1))", [location])
          return fn()
        }),
    }
  }

  async migrate(): Promise<void> {
    await this.#reachable()
    await migrate(postgresMigrationTarget(this.pool, this.schema))
  }

  /** A server that cannot be reached is a start-up error naming the host, never the URL (it holds the password). */
  async #reachable(): Promise<void> {
    try {
      await this.pool.query('SELECT 1')
    } catch (err) {
      throw new TagrelayError(
        codes.TAGRELAY_STORE_OPEN_FAILED,
        `cannot connect to PostgreSQL at ${this.where}: ${(err as Error).message}`,
        { cause: err },
      )
    }
  }

  /** With `store.migrate: false`: refuse to start on a schema `tagrelay migrate` has not brought up to date. */
  async verifySchema(): Promise<void> {
    await this.#reachable()
    const missing = missingVersions('postgres', await appliedPostgresVersions(this.pool).catch(() => []))
    if (missing.length > 0) {
      throw new TagrelayError(
        codes.TAGRELAY_STORE_NOT_MIGRATED,
        `PostgreSQL schema "${this.schema}" lacks migrations ${missing.join(', ')}: run \`tagrelay migrate\` (store.migrate is false)`,
      )
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1')
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.pool.end()
  }
}

export type PostgresStore = Store & PostgresOwn

/** Opens a pool on `url`; the schema is not touched until `migrate()` (`openStore()` does both). */
export function openPostgresStore(url: string, options: PostgresOptions = {}): PostgresStore {
  const own = new PostgresOwn(createPool(url, options), options.schema ?? 'public', hostOf(url))
  return assembleStore(own.sql, own, PostgresOwn.parts(own))
}

function hostOf(url: string): string {
  try {
    const { hostname, port } = new URL(url)
    return `${hostname || 'localhost'}:${port || 5432}`
  } catch {
    return 'the configured server'
  }
}
