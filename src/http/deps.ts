import type { Logger } from 'pino'
import type { Clock } from '../common/clock.js'
import type { RejectionCounter } from '../common/rejections.js'
import type { Config } from '../config/index.js'
import type { Metrics, RateBudgetSource } from '../metrics/index.js'
import type { RefusedKeeper } from '../refused/index.js'
import type { CompiledRules, RuleSetRecorder } from '../rules/index.js'
import type { SourceRegistry } from '../sources/index.js'
import type { Store } from '../store/index.js'
import type { AppInstaller, LocationRegistry } from '../locations/index.js'

/** What the HTTP shell is built over: apart from app.ts so that routes import it without a circle. */
export interface AppDeps {
  config: Config
  store: Store
  sources: SourceRegistry
  /** the rules in force now (a function, so a reload swaps them without rebuilding the app) */
  rules: () => CompiledRules
  logger: Logger
  /** called after jobs are committed, with their locations (none: any), to start their delivery at once */
  onAccepted?: (locations?: string[]) => void
  /** refused requests by source and code; one is made if not given */
  rejections?: RejectionCounter
  /** the Prometheus metrics; one (with its own registry) is made if not given */
  metrics?: Metrics
  /** HighLevel's last rate-limit headers per locationId (the client), for metrics and /admin/locations */
  rateLimits?: RateBudgetSource
  /** the delivery engine's per-location pauses, for /readyz and /admin/locations */
  delivery?: DeliveryPauses
  /** every location, YAML and installed: routing by URL or payload, the admin API, installs */
  locations?: LocationRegistry
  /** the OAuth app's install flow (absent without highlevel.app) */
  installs?: AppInstaller
  /** records rule sets so events store a compact explain; one over `store` is made if not given */
  ruleSets?: RuleSetRecorder
  /** keeps requests refused for a signature or token; one over `store` is made if not given */
  refusedKeeper?: RefusedKeeper
  /** the time, for the admin sign-in throttle's holds (default: the system clock) */
  clock?: Pick<Clock, 'now'>
}

export interface DeliveryPauses {
  locations(): Array<{ locationId: string; paused: boolean; pausedUntil: number | null; reason: string | null }>
  /** HighLevel locationIds that refused Search Contacts (duplicate searches from then on) */
  searchRefused?(): string[]
  /** locations whose calls fail on credentials, as the delivery engine saw them */
  auth?(): Array<{
    locationId: string
    failingSince: number
    lastErrorCode: string
    lastErrorMessage: string
    nextTryAt: number | null
  }>
}

/** The deps as routes see them: every optional part filled in. */
export type RouteDeps = AppDeps & {
  metrics: Metrics
  rejections: RejectionCounter
  ruleSets: RuleSetRecorder
  refusedKeeper: RefusedKeeper
}
