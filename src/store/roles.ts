import type { PortalLinksSql } from './access.js'
import type { AlertOutboxSql } from './alerts.js'
import type { AuthFailuresSql } from './auth-failures.js'
import type { ContactsSql } from './contacts.js'
import type { DeadLettersSql } from './dead-letters.js'
import type { DirectorySql } from './directory.js'
import type { HousekeepingSql, RuleSetsSql } from './housekeeping.js'
import type { QueueSql } from './queue.js'
import type { RefusedSql } from './refused.js'
import type { NoncesSql, SessionsSql } from './security.js'
import type { TokensSql } from './tokens.js'
import type { TrailSql } from './trail.js'
import type { AcceptOptions, AcceptResult, NewEvent, NewJob } from './types.js'

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

/** The ingest side: events and their jobs go in together (each store's own path). */
export interface EventIntake {
  /**
   * stores the event and its jobs in one transaction; resolves once durable. With
   * `opts.dedupe`, the duplicate check, the insert and the key are one transaction too.
   */
  accept(event: NewEvent, jobs: NewJob[], opts?: AcceptOptions): Promise<AcceptResult>
}

/**
 * A role's contract is the public face of the one class that implements it over `Sql`
 * (the methods' comments are there). Why not an interface beside each class: every role
 * is written once for both stores, so an interface would repeat each signature of its
 * only implementation; consumers and test fakes still see a plain structural type.
 */
type Role<T> = { [K in keyof T]: T[K] }

/** The delivery queue: leased claims, outcomes, and what is due per location. */
export type JobQueue = Role<QueueSql>
/** What the delivery scheduler asks the queue: which locations have due work, and when next. */
export type JobAgenda = Pick<JobQueue, 'dueLocations' | 'nextDueAt'>
/** OAuth token pairs per location, rotated under a lock every replica honours (highlevel's `OAuthTokenStore`). */
export type TokenStore = Role<TokensSql>
/** Retention and counts for operators, the demo, benchmarks and harnesses. */
export type Housekeeping = Role<HousekeepingSql>
/** Locations installed through HighLevel's OAuth app and managed through the admin API. */
export type LocationDirectory = Role<DirectorySql>
/** Requests refused for a signature or token, kept per source within bounds for a second look. */
export type RefusedRequestStore = Role<RefusedSql>
/** Alerts wait here until their destination takes them; claims are leased like jobs. */
export type AlertOutbox = Role<AlertOutboxSql>
/** Console sessions, so that a sign-out holds on every replica. */
export type SessionStore = Role<SessionsSql>
/** One-time values already used (an OAuth install's state, an app webhook's id). */
export type NonceStore = Role<NoncesSql>
/** Locations whose HighLevel credentials are failing, so "failing since" survives a restart. */
export type AuthFailureStore = Role<AuthFailuresSql>

/** Opening, checking and closing a store, and the capabilities only some stores have. */
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
  /** applies pending numbered migrations; idempotent */
  migrate(): Promise<void>
  /** throws if the store cannot answer a trivial query */
  ping(): Promise<void>
  close(): Promise<void>
}

/**
 * The one storage contract: the store's own lifecycle, and one sub-object per role, so
 * each consumer takes only the roles it uses (`Pick<Store, 'jobs' | 'contacts'>` for the
 * delivery engine, `store.tokens` for the OAuth auth, ...). Every method is async so that
 * the SQLite and PostgreSQL implementations are interchangeable; the SQLite one resolves
 * synchronously underneath. One contract test suite (test/store/contract*.ts) runs
 * against both.
 */
export interface Store extends StoreLifecycle {
  readonly intake: EventIntake
  readonly jobs: JobQueue
  /** email/phone → contact id, per location, so a person is looked up once a day, not once per event. */
  readonly contacts: Role<ContactsSql>
  /** What the admin API and the console read: events, their jobs and every attempt. */
  readonly trail: Role<TrailSql>
  /** Jobs HighLevel refused for good or whose retries ran out, kept until replayed or discarded. */
  readonly deadLetters: Role<DeadLettersSql>
  readonly tokens: TokenStore
  /** Rule sets by version, so events keep a compact explain (the rules module's `RuleSetStore`). */
  readonly ruleSets: Role<RuleSetsSql>
  readonly housekeeping: Housekeeping
  readonly directory: LocationDirectory
  readonly refused: RefusedRequestStore
  readonly alerts: AlertOutbox
  readonly sessions: SessionStore
  readonly nonces: NonceStore
  /** One-time links that open a scoped console session (issue 28). */
  readonly portalLinks: Role<PortalLinksSql>
  readonly authFailures: AuthFailureStore
}
