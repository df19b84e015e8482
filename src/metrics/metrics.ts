import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { RejectionCounter } from '../common/rejections.js'
import type { JobQueue } from '../store/index.js'
import { OpsMetrics } from './ops.js'

/** What the rate-budget gauge reads: the last rate-limit headers HighLevel sent a location. */
export interface RateBudgetSource {
  lastRateLimit(locationId: string): { remaining: number | null; dailyRemaining: number | null } | null
}

/** What the pause gauge reads: the delivery engine's per-location state. */
export interface PauseSource {
  locations(): Array<{ locationId: string; paused: boolean; circuitOpen?: boolean; authFailing?: boolean }>
}

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

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * Every Prometheus series tagrelay exposes, on its own registry.
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
  readonly requests: Counter<'source' | 'outcome'>
  readonly ruleMatches: Counter<'rule'>
  readonly ingestSeconds: Histogram<'source'>
  readonly deliveries: Counter<'location' | 'outcome'>
  readonly #label: (location: string) => string
  readonly superseded: Counter<'location'>
  readonly alreadyApplied: Counter<'location'>
  readonly highlevelSeconds: Histogram<'endpoint' | 'status'>
  /** refused requests kept and re-verified, alerts sent */
  readonly ops = new OpsMetrics(this.registry)

  constructor(opts: MetricsOptions) {
    const registers = [this.registry]
    const now = opts.now ?? Date.now
    this.requests = new Counter({
      name: 'tagrelay_requests_total',
      help: 'Webhook requests by source and outcome (accepted, duplicate, rejected, unavailable, error, handshake)',
      labelNames: ['source', 'outcome'],
      registers,
    })
    this.ruleMatches = new Counter({
      name: 'tagrelay_rule_matches_total',
      help: 'Accepted events each rule matched',
      labelNames: ['rule'],
      registers,
    })
    this.ingestSeconds = new Histogram({
      name: 'tagrelay_ingest_duration_seconds',
      help: 'From request start to the stored 202 answer',
      labelNames: ['source'],
      buckets: LATENCY_BUCKETS,
      registers,
    })
    this.deliveries = new Counter({
      name: 'tagrelay_deliveries_total',
      help: 'Delivery attempts by location and outcome (done, retry, dead)',
      labelNames: ['location', 'outcome'],
      registers,
    })
    this.superseded = new Counter({
      name: 'tagrelay_superseded_intents_total',
      help: 'Tags not sent because a later-accepted event had already decided them (the last word wins), by location',
      labelNames: ['location'],
      registers,
    })
    this.alreadyApplied = new Counter({
      name: 'tagrelay_already_applied_tags_total',
      help: 'Tags not sent again because a job in doubt (after a crash or a lost lease) found them already applied, by location',
      labelNames: ['location'],
      registers,
    })
    this.highlevelSeconds = new Histogram({
      name: 'tagrelay_highlevel_request_duration_seconds',
      help: 'HighLevel API calls by endpoint and HTTP status (or error)',
      labelNames: ['endpoint', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    })

    const rejections = opts.rejections
    if (rejections) {
      new Counter({
        name: 'tagrelay_rejections_total',
        help: 'Refused webhook requests by source and error code',
        labelNames: ['source', 'code'],
        registers,
        collect() {
          this.reset()
          for (const r of rejections.entries()) this.inc({ source: r.source, code: r.code }, r.count)
        },
      })
    }
    const store = opts.store
    // An installed location's key is its HighLevel locationId: an agency's sub-accounts,
    // not for every scraper of /metrics unless asked for. Gauges add their values up.
    const yaml = new Set(Object.keys(opts.locations ?? {}))
    const label = (key: string): string => (opts.locationLabels || yaml.has(key) ? key : 'installed')
    this.#label = label
    const per = (rows: Array<[string, number]>, combine: (a: number, b: number) => number) => {
      const out = new Map<string, number>()
      for (const [key, v] of rows) {
        const l = label(key)
        out.set(l, out.has(l) ? combine(out.get(l)!, v) : v)
      }
      return out
    }
    const sum = (a: number, b: number): number => a + b
    // One store read per scrape serves the three queue gauges.
    let queue: ReturnType<JobQueue['stats']> | null = null
    const readQueue = (): ReturnType<JobQueue['stats']> =>
      (queue ??= store.jobs.stats().finally(() => setTimeout(() => (queue = null), 0)))
    new Gauge({
      name: 'tagrelay_queue_depth',
      help: 'Pending delivery jobs per location',
      labelNames: ['location'],
      registers,
      async collect() {
        this.reset()
        for (const [location, v] of per(
          (await readQueue()).map((q) => [q.location, q.pending]),
          sum,
        ))
          this.set({ location }, v)
      },
    })
    new Gauge({
      name: 'tagrelay_queue_oldest_pending_age_seconds',
      help: 'Age of the oldest pending job per location (0 when none)',
      labelNames: ['location'],
      registers,
      async collect() {
        this.reset()
        const ages = (await readQueue()).map((q): [string, number] => [
          q.location,
          q.oldestPendingAt === null ? 0 : Math.max(0, (now() - q.oldestPendingAt) / 1000),
        ])
        for (const [location, v] of per(ages, Math.max)) this.set({ location }, v)
      },
    })
    new Gauge({
      name: 'tagrelay_dead_letters',
      help: 'Jobs in the dead letters per location',
      labelNames: ['location'],
      registers,
      async collect() {
        this.reset()
        for (const [location, v] of per(
          (await readQueue()).map((q) => [q.location, q.dead]),
          sum,
        ))
          this.set({ location }, v)
      },
    })
    const { locations = {}, rateLimits } = opts
    if (rateLimits) {
      new Gauge({
        name: 'tagrelay_highlevel_rate_remaining',
        help: "Requests left in HighLevel's rate-limit window (burst or daily), from its last answer",
        labelNames: ['location', 'window'],
        registers,
        collect() {
          this.reset()
          for (const [name, locationId] of Object.entries(locations)) {
            const info = rateLimits.lastRateLimit(locationId)
            if (info?.remaining != null) this.set({ location: name, window: 'burst' }, info.remaining)
            if (info?.dailyRemaining != null) this.set({ location: name, window: 'daily' }, info.dailyRemaining)
          }
        },
      })
    }
    const { pauses } = opts
    if (pauses) {
      const nameOf = new Map(Object.entries(locations).map(([name, id]) => [id, name]))
      type Flag = 'paused' | 'circuitOpen' | 'authFailing'
      const flags: [Flag, string, string][] = [
        [
          'paused',
          'paused',
          'Whether delivery to a location is held back (429, daily reserve, open circuit, failing auth), 1 or 0',
        ],
        [
          'circuitOpen',
          'circuit_open',
          "Whether a location's circuit is open (HighLevel kept failing; a probe tests recovery), 1 or 0",
        ],
        [
          'authFailing',
          'auth_failing',
          'Whether calls to a location fail on its credentials (OAuth refresh refused, 401, 403), 1 or 0',
        ],
      ]
      for (const [flag, suffix, help] of flags)
        new Gauge({
          name: `tagrelay_location_${suffix}`,
          help,
          labelNames: ['location'],
          registers,
          collect() {
            this.reset()
            const rows = pauses
              .locations()
              .map((l): [string, number] => [nameOf.get(l.locationId) ?? l.locationId, l[flag] ? 1 : 0])
            for (const [location, v] of per(rows, Math.max)) this.set({ location }, v)
          },
        })
    }
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry })
  }

  /** For the HighLevel client's `onResponse`: one observation per call. */
  observeHighLevel(call: { route: string; status: number | 'error'; ms: number }): void {
    this.highlevelSeconds.observe({ endpoint: call.route, status: String(call.status) }, call.ms / 1000)
  }

  /** For the delivery worker: one count per finished attempt. */
  observeDelivery(location: string, outcome: 'done' | 'retry' | 'dead'): void {
    this.deliveries.inc({ location: this.#label(location), outcome })
  }

  observeSuperseded(location: string, tags: number): void {
    this.superseded.inc({ location: this.#label(location) }, tags)
  }

  observeAlreadyApplied(location: string, tags: number): void {
    this.alreadyApplied.inc({ location: this.#label(location) }, tags)
  }

  text(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}
