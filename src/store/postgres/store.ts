import type pg from 'pg'
import type {
  AcceptOptions,
  AcceptResult,
  AttemptRecord,
  ClaimOptions,
  DeadLetter,
  DeadLetterFilter,
  EventFilter,
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
} from '../types.js'
import type { RateWindowLog, Store } from '../roles.js'
import { byDueOrder, toEvent, toJob, type EventRow } from '../rows.js'
import { TagrelayError } from '../../errors.js'
import { migrate, missingVersions } from '../migrations/run.js'
import { appliedPostgresVersions, postgresMigrationTarget } from './migrate.js'
import { createPool, inTransaction, type PostgresOptions } from './pool.js'
import { PostgresLocationDirectory } from './directory.js'
import { PostgresNonceStore, PostgresSessionStore } from './security.js'
import { PostgresPortalLinkStore } from './portal-links.js'
import { PostgresAuthFailureStore } from './auth-failures.js'
import { PostgresRateWindowLog } from './rate-window.js'
import { PostgresAlertOutbox, PostgresRefusedStore } from './ops.js'
import { acceptEvent, insertEventWithJobs } from './queries/accept.js'
import { forgetContacts, lookupContacts, rememberContacts } from './queries/contact-cache.js'
import { discard, listDead, replan, replay, selectAttempts, selectDead } from './queries/dead-letters.js'
import {
  claimJobs,
  claimLock,
  countJobs,
  deferJobs,
  finishJob,
  loadFence,
  recordApplied,
  releaseLeases,
  renewLeases,
  selectJobs,
} from './queries/jobs.js'
import { loadOAuthTokens, saveOAuthTokens } from './queries/oauth.js'
import { pruneDelivered } from './queries/retention.js'
import { listReruns, recordRerun } from './queries/reruns.js'
import { loadRuleSet, saveRuleSet } from './queries/rule-sets.js'
import { listAttempts, listEvents, queueStats } from './queries/trail.js'

/**
 * The shared store for several replicas: a pg pool on one PostgreSQL database.
 *
 * Why one file over 300 lines: it is the one class that implements the whole contract,
 * each method a few lines delegating to queries/; splitting it would split the contract.
 *
 * Why no group commit here (unlike SQLite): PostgreSQL already commits concurrent
 * transactions from many connections together (its WAL writer flushes them in one fsync),
 * so each accept is simply its own transaction on a pooled connection.
 *
 * Why one row mapping (`../rows.js`) for both stores: the two schemas have
 * the same columns, so one mapping keeps the stores from drifting apart.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const
  readonly pool: pg.Pool
  readonly schema: string
  readonly rateWindow: RateWindowLog
  readonly directory: PostgresLocationDirectory
  readonly refused: PostgresRefusedStore
  readonly alerts: PostgresAlertOutbox
  readonly sessions: PostgresSessionStore
  readonly nonces: PostgresNonceStore
  readonly portalLinks: PostgresPortalLinkStore
  readonly authFailures: PostgresAuthFailureStore
  readonly #where: string
  #closed = false

  /** `where`: host:port for error messages (never the URL, which holds the password) */
  constructor(pool: pg.Pool, schema: string, where = 'the configured server') {
    this.pool = pool
    this.rateWindow = new PostgresRateWindowLog(pool)
    this.directory = new PostgresLocationDirectory(pool)
    this.refused = new PostgresRefusedStore(pool)
    this.alerts = new PostgresAlertOutbox(pool)
    this.sessions = new PostgresSessionStore(pool)
    this.nonces = new PostgresNonceStore(pool)
    this.portalLinks = new PostgresPortalLinkStore(pool)
    this.authFailures = new PostgresAuthFailureStore(pool)
    this.schema = schema
    this.#where = where
  }

  async migrate(): Promise<void> {
    await this.#reachable()
    await migrate(postgresMigrationTarget(this.pool, this.schema))
  }

  /**
   * A server that cannot be reached is a start-up error with a code, naming the host but
   * never the URL: the URL carries the password.
   */
  async #reachable(): Promise<void> {
    try {
      await this.pool.query('SELECT 1')
    } catch (err) {
      throw new TagrelayError(
        'TAGRELAY_STORE_OPEN_FAILED',
        `cannot connect to PostgreSQL at ${this.#where}: ${(err as Error).message}`,
        500,
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
        'TAGRELAY_STORE_NOT_MIGRATED',
        `PostgreSQL schema "${this.schema}" lacks migrations ${missing.join(', ')}: run \`tagrelay migrate\` (store.migrate is false)`,
        500,
      )
    }
  }

  /** Without a dedupe key an accept is one statement (one round trip); with one, a transaction. */
  async accept(event: NewEvent, jobs: NewJob[], opts: AcceptOptions = {}): Promise<AcceptResult> {
    if (!opts.dedupe) {
      await insertEventWithJobs(this.pool, event, jobs)
      return { duplicate: false }
    }
    return inTransaction(this.pool, (client) => acceptEvent(client, event, jobs, opts))
  }

  async claimJobs({ owner, limit, leaseMs, now, location, excludeLocations }: ClaimOptions): Promise<Job[]> {
    const n = Math.floor(limit)
    if (!(n >= 1)) return []
    const rows = await inTransaction(this.pool, async (c) => {
      await claimLock(c, location)
      return claimJobs(c, owner, n, leaseMs, now, { location, excludeLocations })
    })
    return rows.map(toJob).sort(byDueOrder)
  }

  async failJob(id: number, owner: string, attempt: AttemptRecord, retryAt: number | null): Promise<boolean> {
    const status = retryAt === null ? 'dead' : 'pending'
    return inTransaction(this.pool, (c) => finishJob(c, { id, owner, status, runAt: retryAt, attempt }))
  }

  async releaseLeases(owner: string): Promise<number> {
    return releaseLeases(this.pool, owner)
  }

  async getEvent(id: string): Promise<EventRecord | undefined> {
    // REPEATABLE READ: the event and its jobs from one snapshot
    return inTransaction(
      this.pool,
      async (client) => {
        const { rows } = await client.query<EventRow>('SELECT * FROM events WHERE id = $1', [id])
        const row = rows[0]
        return row && toEvent(row, (await selectJobs(client, { eventId: id })).map(toJob))
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    )
  }

  async listJobs(filter: { eventId?: string; status?: JobStatus } = {}): Promise<Job[]> {
    return (await selectJobs(this.pool, filter)).map(toJob)
  }

  async countEvents(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM events')
    return rows[0]?.n ?? 0
  }

  async countJobs(status?: JobStatus): Promise<number> {
    return countJobs(this.pool, status)
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1')
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.pool.end()
  }

  async loadOAuthTokens(location: string): Promise<OAuthTokens | undefined> {
    return loadOAuthTokens(this.pool, location)
  }

  async saveOAuthTokens(location: string, tokens: OAuthTokens): Promise<void> {
    await saveOAuthTokens(this.pool, location, tokens)
  }

  async saveRuleSet(version: string, definition: string, now: number): Promise<void> {
    await saveRuleSet(this.pool, version, definition, now)
  }

  async loadRuleSet(version: string): Promise<string | undefined> {
    return loadRuleSet(this.pool, version)
  }

  async pruneDelivered(before: number): Promise<number> {
    return pruneDelivered(this.pool, before)
  }

  /**
   * Why a transaction-scoped advisory lock keyed by the location: replicas share one
   * refresh token, which HighLevel lets be spent once. The lock makes a second replica
   * wait until the first has saved the new pair; it then reloads and finds it fresh. The
   * lock ends with the transaction, so a replica that dies mid-refresh frees it.
   */
  async withOAuthLock<T>(location: string, fn: () => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('tagrelay.oauth.' || $1))", [location])
      return fn()
    })
  }

  async listEvents(filter: EventFilter): Promise<EventSummary[]> {
    return listEvents(this.pool, filter)
  }

  async listAttempts(eventId: string): Promise<StoredAttempt[]> {
    return listAttempts(this.pool, eventId)
  }

  async queueStats(): Promise<LocationQueue[]> {
    return queueStats(this.pool)
  }

  async recordRerun(eventId: string, record: RerunRecord, jobs: NewJob[]): Promise<void> {
    await inTransaction(this.pool, (c) => recordRerun(c, eventId, record, jobs))
  }

  async listReruns(eventId: string): Promise<RerunRecord[]> {
    return listReruns(this.pool, eventId)
  }

  async loadFence(location: string, contactIds: string[]): Promise<Map<string, Map<string, TagFence>>> {
    const out = new Map<string, Map<string, TagFence>>()
    if (contactIds.length === 0) return out
    for (const r of await loadFence(this.pool, location, contactIds)) {
      const tags = out.get(r.contact_id) ?? new Map<string, TagFence>()
      tags.set(r.tag, { seq: Number(r.seq), eventId: r.event_id })
      out.set(r.contact_id, tags)
    }
    return out
  }

  async renewLeases(owner: string, ids: number[], leaseMs: number, now: number): Promise<number> {
    return ids.length === 0 ? 0 : renewLeases(this.pool, owner, ids, now + leaseMs)
  }

  async deferJobs(owner: string, ids: number[], runAt: number, now: number): Promise<number> {
    return ids.length === 0 ? 0 : deferJobs(this.pool, owner, ids, runAt, now)
  }

  async lookupContacts(location: string, keys: string[], now: number): Promise<Map<string, string>> {
    return keys.length === 0 ? new Map() : lookupContacts(this.pool, location, keys, now)
  }

  async rememberContacts(
    location: string,
    entries: { key: string; contactId: string }[],
    expiresAt: number,
  ): Promise<void> {
    if (entries.length > 0)
      await inTransaction(this.pool, (c) => rememberContacts(c, location, entries, expiresAt, Date.now()))
  }

  async forgetContacts(location: string, keys: string[]): Promise<void> {
    if (keys.length > 0) await forgetContacts(this.pool, location, keys)
  }

  async listDeadLetters(filter: DeadLetterFilter = {}): Promise<Job[]> {
    const limit = Math.max(1, Math.min(1000, Math.floor(filter.limit ?? 100)))
    return (await listDead(this.pool, filter.afterId ?? 0, limit, filter.location ?? null, filter.locations)).map(toJob)
  }

  async getDeadLetter(id: number): Promise<DeadLetter | undefined> {
    return inTransaction(
      this.pool,
      async (c) => {
        const row = await selectDead(c, id)
        return row && { job: toJob(row), attempts: await selectAttempts(c, id) }
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    )
  }

  async replayDeadLetters(ids: number[] | 'all', now: number): Promise<number[]> {
    if (ids !== 'all' && ids.length === 0) return []
    return replay(this.pool, ids, now)
  }

  async replanJobs(items: JobReplan[], now: number): Promise<number[]> {
    return items.length === 0 ? [] : replan(this.pool, items, now)
  }

  async discardDeadLetters(ids: number[]): Promise<number> {
    return ids.length === 0 ? 0 : discard(this.pool, ids)
  }

  /** One transaction for a round's successes: one commit instead of one per job. */
  async completeJobs(
    owner: string,
    items: { id: number; attempt: AttemptRecord }[],
    applied: AppliedTag[] = [],
  ): Promise<number> {
    if (items.length === 0 && applied.length === 0) return 0
    return inTransaction(this.pool, async (c) => {
      await recordApplied(c, applied, items[0]?.attempt.finishedAt ?? Date.now())
      let n = 0
      for (const { id, attempt } of items)
        if (await finishJob(c, { id, owner, status: 'done', runAt: null, attempt })) n++
      return n
    })
  }
}

/** Opens a pool on `url`; the schema is not touched until `migrate()` (`openStore()` does both). */
export function openPostgresStore(url: string, options: PostgresOptions = {}): PostgresStore {
  return new PostgresStore(createPool(url, options), options.schema ?? 'public', hostOf(url))
}

function hostOf(url: string): string {
  try {
    const { hostname, port } = new URL(url)
    return `${hostname || 'localhost'}:${port || 5432}`
  } catch {
    return 'the configured server'
  }
}

export type { PostgresOptions }
