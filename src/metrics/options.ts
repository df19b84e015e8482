import type { RejectionCounter } from '../common/rejections.js'
import type { JobQueue } from '../store/index.js'

/** What the rate-budget gauge reads: the last rate-limit headers HighLevel sent a location. */
export interface RateBudgetSource {
  lastRateLimit(locationId: string): { remaining: number | null; dailyRemaining: number | null } | null
}

/** What the pause gauge reads: the delivery engine's per-location state. */
export interface PauseSource {
  locations(): Array<{ locationId: string; paused: boolean; circuitOpen?: boolean; authFailing?: boolean }>
}

/** What the metrics read: the store, the engine's state and the config's names. */
export interface MetricsOptions {
  store: { jobs: Pick<JobQueue, 'stats'> }
  pauses?: PauseSource
  /** config location name → HighLevel locationId, for the rate-budget gauge */
  locations?: Record<string, string>
  rateLimits?: RateBudgetSource
  rejections?: RejectionCounter
  /** default process metrics (cpu, memory, event loop lag, handles); default true */
  processMetrics?: boolean
  /**
   * label installed locations by their HighLevel locationId (metrics.locationLabels);
   * default false: they are counted together as `installed` (YAML ones keep their names)
   */
  locationLabels?: boolean
  now?: () => number
}
