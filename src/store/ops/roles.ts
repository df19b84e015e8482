import type { Job } from '../types.js'
import type {
  Alert,
  AlertFilter,
  NewAlert,
  NewRefusedRequest,
  RefusedBounds,
  RefusedFilter,
  RefusedRequest,
  RefusedSummary,
} from './types.js'

/** Requests refused for a signature or token, kept per source within bounds for a second look. */
export interface RefusedRequestStore {
  /** keeps one refused request, then trims its source to `bounds` (oldest first) and drops expired ones */
  keep(request: NewRefusedRequest, bounds: RefusedBounds): Promise<void>
  /** newest first, with filters and a keyset cursor */
  list(filter: RefusedFilter): Promise<RefusedSummary[]>
  get(id: string): Promise<RefusedRequest | undefined>
  /** records a re-verify: accepted (the event now exists under the same id) or still refused with `code` */
  markReverified(id: string, at: number, outcome: { accepted: true } | { code: string }): Promise<void>
  /** refusals kept per source since `since` (epoch ms), for the refusals alert (every replica's) */
  countSince(since: number): Promise<Array<{ source: string; count: number }>>
}

/**
 * The alert outbox: alerts wait here until their destination takes them, so a restart
 * or a receiver that is down loses none. Claims are leased like jobs.
 */
export interface AlertOutbox {
  enqueue(alerts: NewAlert[]): Promise<void>
  /** leases up to `limit` pending alerts due at `now` (next_at <= now, no live lease) */
  claim(owner: string, limit: number, leaseMs: number, now: number): Promise<Alert[]>
  /** the destination took it */
  markSent(id: number, owner: string, now: number): Promise<void>
  /** a failed try: due again at `retryAt`, or given up (`failed`) when null */
  markFailed(id: number, owner: string, error: string, retryAt: number | null): Promise<void>
  /** newest first */
  list(filter: AlertFilter): Promise<Alert[]>
  /** drops sent and failed alerts created before `before`; returns how many */
  prune(before: number): Promise<number>
  /** jobs that became dead letters after `since` (epoch ms): how many, and the first `limit` of them */
  deadLettersSince(since: number, limit: number): Promise<{ count: number; first: Job[] }>
  /** pending jobs waiting since before `createdBefore` for their contact to exist in HighLevel: how many, and the oldest `limit` */
  awaitingContacts(createdBefore: number, limit: number): Promise<{ count: number; first: Job[] }>
  /**
   * takes or renews the one alert-checking lease for `owner` until `now + leaseMs`; true
   * while `owner` holds it (replicas sharing a store then check the triggers once)
   */
  lead(owner: string, leaseMs: number, now: number): Promise<boolean>
}

/** The operations roles a store carries beside the delivery contract. */
export interface OperationsStore {
  readonly refused: RefusedRequestStore
  readonly alerts: AlertOutbox
}
