import type { Clock } from '../common/clock.js'
import type { Logger } from 'pino'
import type { HighLevelClient, LocationAuth } from '../highlevel/index.js'
import type { Store } from '../store/index.js'
import type { BackoffPolicy } from './backoff.js'
import type { RateBudget } from './budget.js'
import type { AuthHealth } from './auth-health.js'
import type { CircuitBreaker } from './circuit.js'

export type EngineClient = Pick<
  HighLevelClient,
  'addTags' | 'removeTags' | 'bulkTags' | 'findContact' | 'upsertContact' | 'searchContacts' | 'getContact'
>

/**
 * The config's `delivery` keys the engine reads, named as the config names them; their
 * defaults are the config schema's (src/config/schema.ts) and nowhere else.
 */
export interface DeliverySettings {
  /** retries stop (dead letter) after this many attempts or this age, whichever first */
  retryMaxAttempts: number
  retryMaxAgeHours: number
  /** HighLevel calls in flight at once per location */
  inFlightPerLocation: number
  /** contacts per bulk tag call */
  bulkSize: number
  /** people per Search Contacts call (1: duplicate searches only) */
  searchBatchSize: number
  /** how long an email/phone -> contact id lookup is trusted */
  contactCacheTtlHours: number
  /** a contact not found (no create:) is looked for again until the job is this old */
  contactNotFoundRetryHours: number
}

export const HOUR_MS = 3_600_000

/** What a lane's round needs; one per worker, shared by its lanes. */
export interface EngineContext extends DeliverySettings {
  /** the engine's roles of the store: its queue and the contact cache */
  store: Pick<Store, 'jobs' | 'contacts'>
  client: EngineClient
  budget: RateBudget
  circuit: CircuitBreaker
  authHealth: AuthHealth
  logger: Logger
  owner: string
  now: () => number
  /** the worker's clock: lease renewal waits on it */
  clock: Clock
  backoff: BackoffPolicy
  /** HighLevel locationIds whose bulk endpoint was refused: single calls from then on */
  bulkRefused: Set<string>
  /** HighLevel locationIds that refused Search Contacts: duplicate searches from then on */
  searchRefused: Set<string>
  signal: AbortSignal
  /** called once per finished attempt (metrics) */
  onAttempt?: (location: string, outcome: 'done' | 'retry' | 'dead') => void
  /** called with the number of tags a round dropped because a later event had decided them (metrics) */
  onSuperseded?: (location: string, tags: number) => void
  /** called with the number of tags a job in doubt found already applied and did not send again (metrics) */
  onAlreadyApplied?: (location: string, tags: number) => void
  /** HighLevel's rate-limit headers last seen for a locationId, kept with each attempt */
  rateLimitOf?: (locationId: string) => Record<string, number | null> | null
}

export interface LaneTarget {
  /** config name (jobs carry it) */
  name: string
  /** undefined for jobs of a location no longer configured */
  auth: LocationAuth | undefined
}
