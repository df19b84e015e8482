import type BetterSqlite3 from 'better-sqlite3'
import { assembleStore, type OwnParts } from '../assemble.js'
import { migrate } from '../migrations/run.js'
import type { Store, StoreLifecycle } from '../roles.js'
import { q } from '../sql.js'
import type { AcceptResult } from '../types.js'
import { prepareAcceptBatch, toAcceptRow, type AcceptRow } from './accept.js'
import { GroupCommit, type Outcome } from './group-commit.js'
import { sqliteMigrationTarget } from './migrate.js'
import { openDatabase, type SqliteOptions } from './open.js'
import { prepareRefusedKeep } from './refused.js'
import { SqliteSql } from './sql.js'
import { WriterConnection } from './writer.js'

/**
 * What the embedded store has of its own: one better-sqlite3 connection per process, a
 * writer thread for accepts and refusals, its lease takeover and its
 * OAuth lock. Every other role is the shared one over `SqliteSql` (../assemble.ts).
 *
 * Why synchronous better-sqlite3 behind an async contract: SQLite work here is short and
 * local, and a synchronous call cannot interleave with another one on the same
 * connection, so transactions need no locking in JS.
 */
class SqliteOwn implements StoreLifecycle {
  readonly kind = 'sqlite' as const
  readonly #accepts: GroupCommit<AcceptRow, AcceptResult>
  readonly #oauthLocks = new Map<string, Promise<unknown>>()
  #acceptHere: ((rows: AcceptRow[]) => Outcome<AcceptResult>[]) | undefined
  #keepHere: ReturnType<typeof prepareRefusedKeep> | undefined
  #writer: WriterConnection | undefined

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly sql: SqliteSql,
    private readonly path: string,
    private readonly options: SqliteOptions & { maxBatch?: number },
  ) {
    this.#accepts = new GroupCommit(
      (rows) => (this.#writer ? this.#writer.run(rows) : this.#acceptHere!(rows)),
      options.maxBatch,
    )
  }

  /**
   * Migrates; then statements may be prepared. A file database also gets its writer
   * thread here (writer.ts): the thread prepares its statements against the migrated
   * schema. `:memory:` cannot be shared with a thread, so it commits on this one.
   */
  async migrate(): Promise<void> {
    await migrate(sqliteMigrationTarget(this.db))
    this.sql.migrated()
    this.#acceptHere ??= prepareAcceptBatch(this.db)
    if (this.path !== ':memory:' && this.options.writerThread !== false) {
      this.#writer ??= await WriterConnection.open(this.path, { synchronous: this.options.synchronous })
    }
  }

  /** what this store brings to the roles (../assemble.ts) */
  static parts(s: SqliteOwn): OwnParts {
    return {
      /**
       * Accepts go through group commit (group-commit.ts): those that arrive while a batch
       * commits share the next transaction, in arrival order, so two copies in one batch
       * still store one event (accept.ts has the dedupe check and the savepoint fallback).
       */
      accept: async (event, jobs, opts = {}) => {
        s.sql.ready() // fail at once, not in the batch, when used before migrate()
        return s.#accepts.submit(toAcceptRow(event, jobs, opts))
      },
      /**
       * The file's deliveries become `owner`'s (epoch + 1). A SQLite file has one delivering
       * process: every lease another owner holds is a dead predecessor's and is dropped (the
       * job marked in doubt), so its jobs are due at once instead of after `leaseMs`.
       */
      takeOverLeases: (owner, now) =>
        s.sql.write(
          function* () {
            const before = yield* q.get<{ owner: string }>('SELECT owner FROM delivery_owner WHERE id = 1')
            const row = yield* q.get<{ epoch: number }>(
              `INSERT INTO delivery_owner (id, owner, epoch, started_at) VALUES (1, $1, 1, $2)
           ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, epoch = epoch + 1, started_at = excluded.started_at
           RETURNING epoch`,
              [owner, now],
            )
            const released = yield* q.run(
              `UPDATE jobs SET in_doubt = 1, lease_owner = NULL, lease_until = NULL
           WHERE lease_owner IS NOT NULL AND lease_owner <> $1 AND status = 'pending'`,
              [owner],
            )
            return { epoch: row?.epoch ?? 1, previous: before?.owner ?? null, released }
          },
          { group: true },
        ),
      /** One process owns a SQLite file's deliveries: a promise chain per location is the lock. */
      withOAuthLock: async (location, fn) => {
        const before = s.#oauthLocks.get(location) ?? Promise.resolve()
        const run = before.then(fn, fn)
        const tail = run.catch(() => undefined)
        s.#oauthLocks.set(location, tail)
        try {
          return await run
        } finally {
          if (s.#oauthLocks.get(location) === tail) s.#oauthLocks.delete(location)
        }
      },
      /** kept refusals are written by the writer thread, like accepts (here only for `:memory:`) */
      keepRefused: () => {
        s.sql.ready()
        const writer = s.#writer
        if (writer) return (values, bounds) => writer.keepRefused(values, bounds)
        const here = (s.#keepHere ??= prepareRefusedKeep(s.db))
        return async (values, bounds) => here(values, bounds)
      },
    }
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get()
    if (this.#writer?.failure) throw this.#writer.failure
  }

  async close(): Promise<void> {
    if (!this.db.open) return
    await this.#accepts.flush()
    await this.sql.flush()
    await this.#writer?.close()
    this.db.close()
  }
}

/**
 * Opens (creating if needed) the SQLite database at `path`, or `:memory:`. The schema
 * is not touched until `migrate()`: `openStore()` does both.
 */
export function openSqliteStore(path: string, options: SqliteOptions & { maxBatch?: number } = {}): Store {
  const db = openDatabase(path, options)
  const sql = new SqliteSql(db)
  const own = new SqliteOwn(db, sql, path, options)
  return assembleStore(sql, own, SqliteOwn.parts(own))
}
