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
  Job,
  JobReplan,
  JobStatus,
  LocationQueue,
  RerunRecord,
  NewEvent,
  NewJob,
  OAuthTokens,
  StoredAttempt,
  AppliedTag,
  TagFence,
  Takeover,
} from './types.js'
import type { JobAgenda, LocationDirectory } from './directory.js'
import type { OperationsStore } from './ops/roles.js'
import type { SecurityStore } from './security.js'
import type { AuthFailureRoles } from './auth-failures.js'

/** The window a shared budget enforces for one location. */
export interface WindowLimits {
  /** sends allowed in any interval of `intervalMs` (HighLevel's 100 less the safety margin) */
  cap: number
  intervalMs: number
}

/** One reserved send, all times in the budget's clock (epoch ms). */
export interface Reservation {
  /** when the send may go */
  at: number
  /** the clock when it was reserved: wait `at - now` ms before sending */
  now: number
  /** a pause in effect for the location (0: none), its reason and who set it */
  pausedUntil: number
  pausedReason: string | null
  pausedBy: string | null
}

/**
 * The per-location send budget shared by every replica of one store. The delivery
 * engine's `SharedRateBudget` (src/delivery/shared-budget.ts) depends on this interface
 * only, so the engine needs no driver.
 */
export interface RateWindowLog {
  /** reserves the next send slot of `location`; `now` only for tests (default: the store's clock) */
  reserve(location: string, limits: WindowLimits, now?: number): Promise<Reservation>
  /** holds every replica's sends of `location` for `ms` (a 429); `by` names the pausing budget */
  pause(location: string, ms: number, reason: string, by: string, now?: number): Promise<void>
}

/** Opening, checking and closing a store, and what it can do beyond the contract. */
export interface StoreLifecycle {
  readonly kind: 'sqlite' | 'postgres'
  /**
   * Capability: the send budget shared by every replica of this store. Absent when the
   * store is one process's (SQLite): the delivery engine then keeps its budget in memory.
   */
  readonly rateWindow?: RateWindowLog
  /**
   * Capability: checks that the schema is up to date without migrating it (a replica
   * started with `store.migrate: false`). Absent where the store always migrates.
   */
  verifySchema?(): Promise<void>
  /** installed locations (and the scheduler's queries on the queue); usable once migrated */
  readonly directory: LocationDirectory & JobAgenda
  /** applies pending numbered migrations; idempotent */
  migrate(): Promise<void>
  /** throws if the store cannot answer a trivial query */
  ping(): Promise<void>
  close(): Promise<void>
}

/** The ingest side: events and their jobs go in together. */
export interface EventIntake {
  /**
   * stores the event and its jobs in one transaction; resolves once durable. With
   * `opts.dedupe`, the duplicate check, the insert and the key are one transaction too.
   */
  accept(event: NewEvent, jobs: NewJob[], opts?: AcceptOptions): Promise<AcceptResult>
}

/** The delivery queue: leased claims, outcomes, and what is waiting per location. */
export interface JobQueue {
  /** leases up to `limit` due jobs (pending, run_at <= now, no live lease), oldest first */
  claimJobs(opts: ClaimOptions): Promise<Job[]>
  /**
   * marks leased jobs done with their attempts, in one transaction (a round's worth); returns
   * how many `owner` still held. `applied` (the tags the round sent, with the intent that
   * decided each) moves the tag fence forward in the same transaction, also for jobs whose
   * lease was lost: HighLevel did apply them.
   */
  completeJobs(owner: string, items: { id: number; attempt: AttemptRecord }[], applied?: AppliedTag[]): Promise<number>
  /** the tag fence of `contactIds` at a location: contact id → lowercased tag → last intent applied */
  loadFence(location: string, contactIds: string[]): Promise<Map<string, Map<string, TagFence>>>
  /**
   * Capability (SQLite: one delivering process per file): makes `owner` the store's
   * delivering owner and drops every lease another owner holds, a dead predecessor's,
   * so its jobs are due at once instead of after `leaseMs`. Absent on PostgreSQL, where
   * other owners are live replicas: their leases run out unless renewed.
   */
  takeOverLeases?(owner: string, now: number): Promise<Takeover>
  /**
   * records a failed attempt: `retryAt` epoch ms keeps the job pending until then,
   * `null` moves it to the dead letters. Releases the lease. False if `owner` lost it.
   */
  failJob(id: number, owner: string, attempt: AttemptRecord, retryAt: number | null): Promise<boolean>
  /** extends the leases `owner` still holds on `ids` to now + leaseMs; returns how many */
  renewLeases(owner: string, ids: number[], leaseMs: number, now: number): Promise<number>
  /**
   * hands leased jobs back without an attempt (their calls were never sent: the location's
   * circuit is open), due at `runAt`; returns how many `owner` still held
   */
  deferJobs(owner: string, ids: number[], runAt: number, now: number): Promise<number>
  /** drops every lease `owner` holds (graceful shutdown); returns how many */
  releaseLeases(owner: string): Promise<number>
  /** pending and dead counts and the oldest pending job, per location that has any */
  queueStats(): Promise<LocationQueue[]>
}

/** email/phone → contact id, per location, so a person is looked up once a day, not once per event. */
export interface ContactCache {
  /** cached contact ids for `keys` ('email:..', 'phone:..') of a location, unexpired at `now` */
  lookupContacts(location: string, keys: string[], now: number): Promise<Map<string, string>>
  /** remembers key -> contact id until `expiresAt` (replacing older entries) */
  rememberContacts(location: string, entries: { key: string; contactId: string }[], expiresAt: number): Promise<void>
  /** drops cached keys (the contact id turned out stale) */
  forgetContacts(location: string, keys: string[]): Promise<void>
}

/** What the admin API and the console read: events, their jobs and every attempt. */
export interface Trail {
  getEvent(id: string): Promise<EventRecord | undefined>
  /** events newest first, with filters and a keyset cursor */
  listEvents(filter: EventFilter): Promise<EventSummary[]>
  /** every attempt of every job of the event, by job then attempt number */
  listAttempts(eventId: string): Promise<StoredAttempt[]>
  /** the event's re-runs, oldest first */
  listReruns(eventId: string): Promise<RerunRecord[]>
  /** records a re-run and enqueues its jobs (due at `record.at`) in one transaction */
  recordRerun(eventId: string, record: RerunRecord, jobs: NewJob[]): Promise<void>
}

/** Jobs HighLevel refused for good or whose retries ran out, kept until replayed or discarded. */
export interface DeadLetterStore {
  /** dead jobs, oldest first */
  listDeadLetters(filter?: DeadLetterFilter): Promise<Job[]>
  /** one dead job with its attempts; undefined when `id` is not a dead letter */
  getDeadLetter(id: number): Promise<DeadLetter | undefined>
  /** dead jobs back to pending, due at `now`, age restarted (attempts keep counting); 'all' replays every one. Returns the ids replayed */
  replayDeadLetters(ids: number[] | 'all', now: number): Promise<number[]>
  /** deletes dead jobs and their attempts (the event stays); returns how many */
  discardDeadLetters(ids: number[]): Promise<number>
  /**
   * Sets the create fields of dead or pending jobs (not those leased now) and makes them
   * due at `now` with their age restarted, as a replay does. Returns the ids changed.
   */
  replanJobs(items: JobReplan[], now: number): Promise<number[]>
}

/** OAuth token pairs per location, rotated under a lock every replica honours. */
export interface TokenStore {
  /** the stored OAuth pair of a location (keyed by HighLevel locationId), if any */
  loadOAuthTokens(location: string): Promise<OAuthTokens | undefined>
  /** replaces the location's pair; resolves once durable (a refresh token is single-use) */
  saveOAuthTokens(location: string, tokens: OAuthTokens): Promise<void>
  /**
   * Runs `fn` while holding the location's OAuth refresh lock: on PostgreSQL an advisory
   * lock shared by every replica, on SQLite a lock within the process. `fn` should
   * reload the tokens first: another holder may have refreshed them meanwhile.
   */
  withOAuthLock<T>(location: string, fn: () => Promise<T>): Promise<T>
}

/** Rule sets by version, so events keep a compact explain (the rules module's `RuleSetStore`). */
export interface RuleSetArchive {
  /** records a rule set under its version (JSON text); a version already recorded is kept as it is */
  saveRuleSet(version: string, definition: string, now: number): Promise<void>
  /** the JSON text recorded for `version`, if any */
  loadRuleSet(version: string): Promise<string | undefined>
}

/** Retention and counts for operators, the demo, benchmarks and harnesses. */
export interface Housekeeping {
  /**
   * Deletes events received before `before` (epoch ms) whose jobs are all done, with
   * their jobs and attempts, and expired dedupe keys. Events with a pending or dead job
   * are kept (dead letters stay until replayed or discarded). Returns the number deleted.
   */
  pruneDelivered(before: number): Promise<number>
  countEvents(): Promise<number>
  countJobs(status?: JobStatus): Promise<number>
  listJobs(filter?: { eventId?: string; status?: JobStatus }): Promise<Job[]>
}

/**
 * The one storage contract, by role: each consumer takes only the roles it uses (the
 * delivery engine a `JobQueue` and a `ContactCache`, the OAuth auth a `TokenStore`, the
 * admin API a `Trail` and `DeadLetterStore`, ...). Every method is async so that the
 * SQLite and PostgreSQL implementations are interchangeable; the SQLite one resolves
 * synchronously underneath. One contract test suite (test/store/contract*.ts) runs
 * against both.
 */
export interface Store
  extends
    StoreLifecycle,
    EventIntake,
    JobQueue,
    ContactCache,
    Trail,
    DeadLetterStore,
    TokenStore,
    RuleSetArchive,
    Housekeeping,
    OperationsStore,
    SecurityStore,
    AuthFailureRoles {}
