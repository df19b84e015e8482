import { collectDefaultMetrics, Registry } from 'prom-client'
import type { MetricsOptions } from './options.js'
import { registerScraped } from './scraped.js'
import { eventSeries, opsMetrics, type EventSeries, type OpsMetrics } from './series.js'

/**
 * Every Prometheus series tagrelay exposes, on its own registry: the counters and
 * histograms defined once in series.ts, the series read at scrape time (scraped.ts) and
 * prom-client's process metrics.
 *
 * Why a registry per instance instead of prom-client's global one: two apps in one
 * process (tests, `tagrelay demo`) would otherwise register the same names twice and
 * throw. Why queue depth, dead letters and the rate budget are read at scrape time:
 * they are state, not events; a scrape reads the store once, so the numbers are right
 * even after a restart or when another replica did the work.
 * Labels are bounded: sources, rules and locations come from the config, HighLevel
 * endpoints are route templates, never paths with ids in them.
 */
export class Metrics {
  readonly registry = new Registry()
  /** refused requests kept and re-verified, alerts sent, admin sign-ins */
  readonly ops: OpsMetrics = opsMetrics(this.registry)
  /** the counters and latencies of series.ts: requests, rule matches, deliveries, HighLevel calls */
  readonly #series: EventSeries = eventSeries(this.registry)
  readonly requests = this.#series.requests
  readonly ruleMatches = this.#series.ruleMatches
  readonly ingestSeconds = this.#series.ingestSeconds
  readonly #label: (location: string) => string

  constructor(opts: MetricsOptions) {
    // An installed location's key is its HighLevel locationId: an agency's sub-accounts,
    // not for every scraper of /metrics unless asked for. Gauges add their values up.
    const yaml = new Set(Object.keys(opts.locations ?? {}))
    this.#label = (key) => (opts.locationLabels || yaml.has(key) ? key : 'installed')
    registerScraped(this.registry, opts, this.#label, opts.now ?? Date.now)
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry })
  }

  /** For the HighLevel client's `onResponse`: one observation per call. */
  observeHighLevel(call: { route: string; status: number | 'error'; ms: number }): void {
    this.#series.highlevelSeconds.observe({ endpoint: call.route, status: String(call.status) }, call.ms / 1000)
  }

  /** For the delivery worker: one count per finished attempt. */
  observeDelivery(location: string, outcome: 'done' | 'retry' | 'dead'): void {
    this.#series.deliveries.inc({ location: this.#label(location), outcome })
  }

  observeSuperseded(location: string, tags: number): void {
    this.#series.superseded.inc({ location: this.#label(location) }, tags)
  }

  observeAlreadyApplied(location: string, tags: number): void {
    this.#series.alreadyApplied.inc({ location: this.#label(location) }, tags)
  }

  text(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}
