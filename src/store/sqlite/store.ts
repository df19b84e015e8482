import type BetterSqlite3 from 'better-sqlite3'
import { TagrelayError } from '../../errors.js'
import type {
  AcceptOptions,
  AcceptResult,
  AttemptRecord,
  ClaimOptions,
  EventFilter,
  DeadLetter,
  DeadLetterFilter,
  EventRecord,
  EventSummary,
  LocationQueue,
  StoredAttempt,
  Job,
  JobReplan,
  JobStatus,
  NewEvent,
  NewJob,
  OAuthTokens,
  RerunRecord,
  AppliedTag,
  TagFence,
  Takeover,
} from '../types.js'
import type { Store } from '../roles.js'
import { prepareAcceptBatch, toAcceptRow, type AcceptRow } from './accept.js'
import { GroupCommit, type Outcome } from './group-commit.js'
import { migrate } from '../migrations/run.js'
import { sqliteMigrationTarget } from './migrate.js'
import { openDatabase, type SqliteOptions } from './open.js'
import { byDueOrder, toEvent, toJob } from '../rows.js'
import { prepareStatements, type Statements } from './statements.js'
import { WriterConnection } from './writer.js'
import { SqliteLocationDirectory } from './directory.js'
import { SqliteNonceStore, SqliteSessionStore } from './security.js'
import { SqlitePortalLinkStore } from './portal-links.js'
import { SqliteAuthFailureStore } from './auth-failures.js'
import { MainWrites } from './main-writes.js'
import { SqliteAlertOutbox, SqliteRefusedStore } from './ops.js'
import { prepareRefusedKeep, type RefusedKeep } from './refused.js'

/**
 * The embedded store: one better-sqlite3 connection per process. Why synchronous
 * better-sqlite3 behind an async contract: SQLite work here is short and local, and a
 * synchronous call cannot interleave with another one on the same connection, so
 * transactions need no locking in JS. The contract stays async so the PostgreSQL store
 * can be swapped in.
 *
 * Why one file over 300 lines: it is the one class that implements the whole contract,
 * each method a few lines delegating to the prepared queries (queries/); splitting it
 * would split the contract. (Issue 26 writes the two stores' shared parts once.)
 *
 * Why every writing transaction is `BEGIN IMMEDIATE`: a deferred transaction that reads
 * first and writes later can fail with SQLITE_BUSY when another connection wrote in
 * between, and busy_timeout cannot retry that. Taking the write lock up front makes a
 * second process wait its turn instead.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const
  readonly #db: BetterSqlite3.Database
  #q: Statements | undefined
  readonly #accepts: GroupCommit<AcceptRow, AcceptResult>
  readonly #oauthLocks = new Map<string, Promise<unknown>>()
  readonly #path: string
  readonly #options: SqliteOptions
  #acceptHere: ((rows: AcceptRow[]) => Outcome<AcceptResult>[]) | undefined
  #writer: WriterConnection | undefined
  #directory: SqliteLocationDirectory | undefined
  readonly #writes: MainWrites
  get directory(): SqliteLocationDirectory {
    return this.#directory ?? (this.#stmts as never) // set by migrate(); before it #stmts throws
  }
  #keepRefusedHere: RefusedKeep | undefined
  /** kept refusals are written by the writer thread, like accepts (here only for `:memory:`) */
  readonly refused = new SqliteRefusedStore(
    () => this.#db,
    () => {
      void this.#stmts // fail at once when used before migrate()
      const writer = this.#writer
      if (writer) return (values, bounds) => writer.keepRefused(values, bounds)
      const here = (this.#keepRefusedHere ??= prepareRefusedKeep(this.#db))
      return async (values, bounds) => here(values, bounds)
    },
  )
  readonly alerts = new SqliteAlertOutbox(() => this.#db)
  readonly sessions = new SqliteSessionStore(() => this.#db)
  readonly nonces = new SqliteNonceStore(() => this.#db)
  readonly portalLinks = new SqlitePortalLinkStore(() => this.#db)
  readonly authFailures = new SqliteAuthFailureStore(
    () => this.#db,
    (op) => this.#writes.run(op),
  )

  constructor(db: BetterSqlite3.Database, options: SqliteOptions & { maxBatch?: number; path?: string } = {}) {
    this.#db = db
    this.#path = options.path ?? ':memory:'
    this.#options = options
    this.#writes = new MainWrites(db)
    this.#accepts = new GroupCommit(
      (rows) => (this.#writer ? this.#writer.run(rows) : this.#acceptHere!(rows)),
      options.maxBatch,
    )
  }

  /** Statements exist only once the schema does; see `migrate()`. */
  get #stmts(): Statements {
    if (this.#q === undefined) {
      throw new TagrelayError('TAGRELAY_STORE_NOT_MIGRATED', 'store used before migrate(): call migrate() first')
    }
    return this.#q
  }

  /**
   * Migrates, then prepares statements. A file database also gets its writer thread here
   * (see writer.ts): the thread prepares its statements against the migrated schema.
   * `:memory:` cannot be shared with a thread, so it commits on this one.
   */
  async migrate(): Promise<void> {
    await migrate(sqliteMigrationTarget(this.#db))
    this.#q ??= prepareStatements(this.#db)
    this.#acceptHere ??= prepareAcceptBatch(this.#db)
    this.#directory ??= new SqliteLocationDirectory(this.#db)
    if (this.#path !== ':memory:' && this.#options.writerThread !== false) {
      this.#writer ??= await WriterConnection.open(this.#path, { synchronous: this.#options.synchronous })
    }
  }

  /**
   * Accepts go through group commit (group-commit.ts): those that arrive while a batch
   * commits share the next transaction, in arrival order, so two copies in one batch
   * still store one event (accept.ts has the dedupe check and the savepoint fallback).
   */
  async accept(event: NewEvent, jobs: NewJob[], opts: AcceptOptions = {}): Promise<AcceptResult> {
    void this.#stmts // fail at once, not in the batch, when used before migrate()
    return this.#accepts.submit(toAcceptRow(event, jobs, opts))
  }

  async claimJobs({ owner, limit, leaseMs, now, location, excludeLocations }: ClaimOptions): Promise<Job[]> {
    const q = this.#stmts
    // SQLite reads a negative LIMIT as "no limit": never let a bad config claim everything.
    const n = Math.floor(limit)
    if (!(n >= 1)) return []
    const rows = await this.#writes.run(() => q.claimJobs(owner, n, leaseMs, now, { location, excludeLocations }))
    return rows.map(toJob).sort(byDueOrder)
  }

  async failJob(id: number, owner: string, attempt: AttemptRecord, retryAt: number | null): Promise<boolean> {
    // the job update and its attempt row commit together: the trail never disagrees with the job
    return this.#writes.run(() => this.#finishInTx(id, owner, attempt, retryAt === null ? 'dead' : 'pending', retryAt))
  }

  #finishInTx(id: number, owner: string, attempt: AttemptRecord, status: JobStatus, runAt: number | null): boolean {
    const q = this.#stmts
    const n = q.finishJob({
      id,
      owner,
      status,
      run_at: runAt,
      last_error: status === 'done' ? null : (attempt.error ?? null),
      contact_id: attempt.contactId ?? null,
      // The worker's clock, like every other time in the contract (tests inject it).
      now: attempt.finishedAt,
    })
    if (n === undefined) return false
    q.insertAttempt(id, n, attempt)
    return true
  }

  async releaseLeases(owner: string): Promise<number> {
    return this.#stmts.releaseLeases(owner)
  }

  async getEvent(id: string): Promise<EventRecord | undefined> {
    const q = this.#stmts
    // One read transaction so the event and its jobs come from the same snapshot.
    return this.#db.transaction(() => {
      const row = q.selectEvent(id)
      return row && toEvent(row, q.selectJobs({ eventId: id }).map(toJob))
    })()
  }

  async listJobs(filter: { eventId?: string; status?: JobStatus } = {}): Promise<Job[]> {
    return this.#stmts.selectJobs(filter).map(toJob)
  }

  async countEvents(): Promise<number> {
    return this.#stmts.countEvents()
  }

  async countJobs(status?: JobStatus): Promise<number> {
    return this.#stmts.countJobs(status)
  }

  async ping(): Promise<void> {
    this.#db.prepare('SELECT 1').get()
    if (this.#writer?.failure) throw this.#writer.failure
  }

  async close(): Promise<void> {
    if (!this.#db.open) return
    await this.#accepts.flush()
    await this.#writes.flush()
    await this.#writer?.close()
    this.#db.close()
  }

  async loadOAuthTokens(location: string): Promise<OAuthTokens | undefined> {
    return this.#stmts.selectOAuthTokens(location)
  }

  async saveOAuthTokens(location: string, tokens: OAuthTokens): Promise<void> {
    const q = this.#stmts
    await this.#writes.run(() => q.upsertOAuthTokens(location, tokens), true)
  }

  async saveRuleSet(version: string, definition: string, now: number): Promise<void> {
    this.#stmts.insertRuleSet(version, definition, now)
  }

  async loadRuleSet(version: string): Promise<string | undefined> {
    return this.#stmts.selectRuleSet(version)
  }

  async completeJobs(
    owner: string,
    items: { id: number; attempt: AttemptRecord }[],
    applied: AppliedTag[] = [],
  ): Promise<number> {
    if (items.length === 0 && applied.length === 0) return 0
    const q = this.#stmts
    return this.#writes.run(() => {
      q.recordApplied(applied, items[0]?.attempt.finishedAt ?? Date.now())
      return items.filter(({ id, attempt }) => this.#finishInTx(id, owner, attempt, 'done', null)).length
    })
  }

  async loadFence(location: string, contactIds: string[]): Promise<Map<string, Map<string, TagFence>>> {
    return contactIds.length === 0 ? new Map() : this.#stmts.loadFence(location, contactIds)
  }

  async takeOverLeases(owner: string, now: number): Promise<Takeover> {
    const q = this.#stmts
    return this.#writes.run(() => q.takeOverLeases(owner, now))
  }

  async recordRerun(eventId: string, record: RerunRecord, jobs: NewJob[]): Promise<void> {
    this.#stmts.recordRerun(eventId, record, jobs)
  }

  async listReruns(eventId: string): Promise<RerunRecord[]> {
    return this.#stmts.listReruns(eventId)
  }

  async renewLeases(owner: string, ids: number[], leaseMs: number, now: number): Promise<number> {
    const q = this.#stmts
    return ids.length === 0 ? 0 : this.#writes.run(() => q.renewLeases(owner, ids, leaseMs, now))
  }

  async deferJobs(owner: string, ids: number[], runAt: number, now: number): Promise<number> {
    const q = this.#stmts
    return ids.length === 0 ? 0 : this.#writes.run(() => q.deferJobs(owner, ids, runAt, now))
  }

  async lookupContacts(location: string, keys: string[], now: number): Promise<Map<string, string>> {
    return keys.length === 0 ? new Map() : this.#stmts.lookupContacts(location, keys, now)
  }

  async rememberContacts(
    location: string,
    entries: { key: string; contactId: string }[],
    expiresAt: number,
  ): Promise<void> {
    const q = this.#stmts
    if (entries.length === 0) return
    await this.#writes.run(() => q.rememberContacts(location, entries, expiresAt, Date.now()))
  }

  async forgetContacts(location: string, keys: string[]): Promise<void> {
    const q = this.#stmts
    await this.#writes.run(() => q.forgetContacts(location, keys))
  }

  async listDeadLetters(filter: DeadLetterFilter = {}): Promise<Job[]> {
    const limit = Math.max(1, Math.min(1000, Math.floor(filter.limit ?? 100)))
    return this.#stmts.listDead(filter.afterId ?? 0, limit, filter.location ?? null, filter.locations).map(toJob)
  }

  async getDeadLetter(id: number): Promise<DeadLetter | undefined> {
    const q = this.#stmts
    return this.#db.transaction(() => {
      const row = q.selectDead(id)
      return row && { job: toJob(row), attempts: q.selectAttempts(id) }
    })()
  }

  async replayDeadLetters(ids: number[] | 'all', now: number): Promise<number[]> {
    const q = this.#stmts
    return this.#db.transaction(() => q.replay(ids, now)).immediate()
  }

  async replanJobs(items: JobReplan[], now: number): Promise<number[]> {
    const q = this.#stmts
    return items.length === 0 ? [] : this.#db.transaction(() => q.replan(items, now)).immediate()
  }

  async discardDeadLetters(ids: number[]): Promise<number> {
    const q = this.#stmts
    return this.#db.transaction(() => q.discard(ids)).immediate()
  }

  async listEvents(filter: EventFilter): Promise<EventSummary[]> {
    return this.#stmts.listEvents(filter)
  }

  async listAttempts(eventId: string): Promise<StoredAttempt[]> {
    return this.#stmts.listAttempts(eventId)
  }

  async queueStats(): Promise<LocationQueue[]> {
    return this.#stmts.queueStats()
  }

  async pruneDelivered(before: number): Promise<number> {
    const q = this.#stmts
    return this.#db.transaction(() => q.pruneDelivered(before)).immediate()
  }

  /** One process owns a SQLite file's deliveries: a promise chain per location is the lock. */
  async withOAuthLock<T>(location: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#oauthLocks.get(location) ?? Promise.resolve()
    const run = before.then(fn, fn)
    const tail = run.catch(() => undefined)
    this.#oauthLocks.set(location, tail)
    try {
      return await run
    } finally {
      if (this.#oauthLocks.get(location) === tail) this.#oauthLocks.delete(location)
    }
  }
}

/**
 * Opens (creating if needed) the SQLite database at `path`, or `:memory:`. The schema
 * is not touched until `migrate()`: `openStore()` does both.
 */
export function openSqliteStore(path: string, options: SqliteOptions = {}): SqliteStore {
  return new SqliteStore(openDatabase(path, options), { ...options, path })
}

export type { SqliteOptions }
