/** The metrics module's public face: one `Metrics` (its own Prometheus registry) per service. */
export { Metrics } from './metrics.js'
export type { MetricsOptions, RateBudgetSource } from './options.js'
export type { OpsMetrics } from './series.js'
