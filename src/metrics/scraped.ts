import { Counter, Gauge, type Registry } from 'prom-client'
import type { JobQueue } from '../store/index.js'
import type { MetricsOptions } from './options.js'

type Sample<L extends string> = [labels: Record<L, string>, value: number]
type Read<L extends string> = () => Iterable<Sample<L>> | Promise<Iterable<Sample<L>>>
/** A value for a location key, before keys are labelled and combined. */
type Row = [key: string, value: number]
type Combine = (a: number, b: number) => number
type QueueRow = Awaited<ReturnType<JobQueue['stats']>>[number]

const sum: Combine = (a, b) => a + b

/**
 * A series read at scrape time (state, not events): each scrape empties it and fills it
 * again from `read`. A counter where the total is kept elsewhere, a gauge otherwise.
 */
function scraped<L extends string>(
  registry: Registry,
  kind: 'counter' | 'gauge',
  series: { name: string; help: string; labelNames: readonly L[] },
  read: Read<L>,
): void {
  async function collect(this: Counter<L> | Gauge<L>): Promise<void> {
    this.reset()
    for (const [labels, v] of await read()) {
      if (this instanceof Gauge) this.set(labels, v)
      else this.inc(labels, v)
    }
  }
  const configuration = { ...series, registers: [registry], collect }
  if (kind === 'counter') new Counter(configuration)
  else new Gauge(configuration)
}

const PAUSE_FLAGS = [
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
] as const

/**
 * The series read at scrape time: rejections, the queue and dead letters (one store read
 * per scrape serves the three), HighLevel's rate budget and the engine's pauses. `label`
 * turns a location key into its label; rows of one label are combined.
 */
export function registerScraped(
  registry: Registry,
  opts: MetricsOptions,
  label: (key: string) => string,
  now: () => number,
): void {
  const { rejections, store, locations = {}, rateLimits, pauses } = opts
  if (rejections) {
    scraped(
      registry,
      'counter',
      {
        name: 'tagrelay_rejections_total',
        help: 'Refused webhook requests by source and error code',
        labelNames: ['source', 'code'],
      },
      () => rejections.entries().map((r) => [{ source: r.source, code: r.code }, r.count]),
    )
  }
  /** A gauge by location label: its rows read at scrape time, combined per label. */
  const byLocation = (name: string, help: string, read: () => Row[] | Promise<Row[]>, combine: Combine) =>
    scraped(registry, 'gauge', { name, help, labelNames: ['location'] }, async () => {
      const out = new Map<string, number>()
      for (const [key, v] of await read()) {
        const l = label(key)
        out.set(l, out.has(l) ? combine(out.get(l)!, v) : v)
      }
      return [...out].map(([location, v]): Sample<'location'> => [{ location }, v])
    })
  let queue: ReturnType<JobQueue['stats']> | null = null
  const readQueue = (): ReturnType<JobQueue['stats']> =>
    (queue ??= store.jobs.stats().finally(() => setTimeout(() => (queue = null), 0)))
  const queueRows = (value: (q: QueueRow) => number) => async (): Promise<Row[]> =>
    (await readQueue()).map((q) => [q.location, value(q)])
  byLocation(
    'tagrelay_queue_depth',
    'Pending delivery jobs per location',
    queueRows((q) => q.pending),
    sum,
  )
  byLocation(
    'tagrelay_queue_oldest_pending_age_seconds',
    'Age of the oldest pending job per location (0 when none)',
    queueRows((q) => (q.oldestPendingAt === null ? 0 : Math.max(0, (now() - q.oldestPendingAt) / 1000))),
    Math.max,
  )
  byLocation(
    'tagrelay_dead_letters',
    'Jobs in the dead letters per location',
    queueRows((q) => q.dead),
    sum,
  )
  if (rateLimits) {
    scraped(
      registry,
      'gauge',
      {
        name: 'tagrelay_highlevel_rate_remaining',
        help: "Requests left in HighLevel's rate-limit window (burst or daily), from its last answer",
        labelNames: ['location', 'window'],
      },
      function* () {
        for (const [location, locationId] of Object.entries(locations)) {
          const info = rateLimits.lastRateLimit(locationId)
          if (info?.remaining != null) yield [{ location, window: 'burst' }, info.remaining]
          if (info?.dailyRemaining != null) yield [{ location, window: 'daily' }, info.dailyRemaining]
        }
      },
    )
  }
  if (pauses) {
    const nameOf = new Map(Object.entries(locations).map(([name, id]) => [id, name]))
    for (const [flag, suffix, help] of PAUSE_FLAGS)
      byLocation(
        `tagrelay_location_${suffix}`,
        help,
        () => pauses.locations().map((l): Row => [nameOf.get(l.locationId) ?? l.locationId, l[flag] ? 1 : 0]),
        Math.max,
      )
  }
}
