import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Logger } from 'pino'
import type { LocationAuth } from '../highlevel/index.js'
import type { ContactCache, JobQueue } from '../store/index.js'
import type { BackoffPolicy } from './backoff.js'
import { LocalRateBudget, type RateBudget } from './budget.js'
import { AuthHealth, type AuthHealthStatus } from './auth-health.js'
import { CircuitBreaker, type CircuitPolicy, type CircuitStatus } from './circuit.js'
import type { EngineClient, EngineContext } from './context.js'
import { Lane } from './lane.js'
import { locationStatuses, type LocationStatus } from './status.js'

export interface WorkerOptions {
  store: JobQueue & ContactCache
  client: EngineClient
  /** HighLevel's rate-limit headers last seen per locationId (the client), kept with each attempt */
  rateLimitOf?: EngineContext['rateLimitOf']
  /** config location name → credentials */
  locations: ReadonlyMap<string, LocationAuth>
  logger: Logger
  /** jobs a lane claims per round */
  batchSize: number
  pollIntervalMs: number
  leaseMs: number
  backoff: BackoffPolicy
  /** retries stop after this many attempts (default 150) or this age (default 72 h) */
  maxAttempts?: number
  maxAgeMs?: number
  /** default: 100 per 10 s with a 3 % margin, daily reserve 1,000 */
  budget?: RateBudget
  inFlightPerLocation?: number
  bulkSize?: number
  /** people per Search Contacts call (default 50; 1: duplicate searches only) */
  searchBatchSize?: number
  contactCacheTtlMs?: number
  /** a contact not found (no create:) is looked for again for this long (default 24 h) */
  contactNotFoundRetryMs?: number
  /** default: opens after 5 outage answers in a row, probes after 1 s doubling to 60 s */
  circuit?: CircuitPolicy
  now?: () => number
  /** called once per finished attempt (metrics) */
  onAttempt?: (location: string, outcome: 'done' | 'retry' | 'dead') => void
}

export interface DeliveryStatus {
  /** the rate budget's view, with an open circuit or failing auth shown as a pause */
  locations: LocationStatus[]
  circuits: CircuitStatus[]
  /** locations whose last calls failed on credentials (OAuth refresh refused, 401, 403) */
  auth: AuthHealthStatus[]
  /** HighLevel locationIds that refused the bulk endpoint and use single calls */
  bulkRefused: string[]
  /** HighLevel locationIds that refused Search Contacts and use duplicate searches */
  searchRefused: string[]
}

/**
 * The delivery engine: one lane per configured location (plus one that dead-letters jobs
 * of locations no longer configured), each claiming its own jobs with a lease and
 * delivering them under the location's rate budget. Polling is the fallback; `wake()`
 * after an accept starts delivery at once. Delivery is at-least-once (a job whose lease
 * ran out is claimed again), which is safe: adding a tag the contact has is a no-op.
 */
export class DeliveryWorker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  readonly budget: RateBudget
  private running = false
  private readonly lanes: Lane[]
  private readonly ctx: EngineContext
  private readonly abort = new AbortController()
  private readonly wakers = new Set<() => void>()
  private loops: Promise<void>[] = []
  private current: Promise<number> | null = null

  constructor(private readonly opts: WorkerOptions) {
    const now = opts.now ?? Date.now
    this.budget =
      opts.budget ??
      new LocalRateBudget(
        { max: 100, intervalMs: 10_000, safetyMargin: 0.03, dailyReserve: 1_000 },
        (locationId, until, reason) => opts.logger.warn({ locationId, until: new Date(until).toISOString() }, reason),
      )
    this.ctx = {
      store: opts.store,
      client: opts.client,
      budget: this.budget,
      logger: opts.logger,
      owner: this.id,
      now,
      circuit: new CircuitBreaker(
        opts.circuit ?? { failures: 5, probeBaseMs: 1_000, probeMaxMs: 60_000 },
        now,
        (id, open, detail) =>
          open
            ? opts.logger.warn(
                { locationId: id, ...detail },
                'circuit opened: HighLevel keeps failing; deliveries held',
              )
            : opts.logger.info(
                { locationId: id, ...detail },
                'circuit closed: HighLevel answers again; deliveries resume',
              ),
      ),
      authHealth: new AuthHealth(now),
      retry: {
        ...opts.backoff,
        maxAttempts: opts.maxAttempts ?? 150,
        maxAgeMs: opts.maxAgeMs ?? 72 * 3_600_000,
        notFoundWindowMs: opts.contactNotFoundRetryMs ?? 24 * 3_600_000,
      },
      inFlightPerLocation: opts.inFlightPerLocation ?? 10,
      bulkSize: opts.bulkSize ?? 100,
      contactCacheTtlMs: opts.contactCacheTtlMs ?? 24 * 3_600_000,
      bulkRefused: new Set(),
      searchBatchSize: opts.searchBatchSize ?? 50,
      searchRefused: new Set(),
      onAttempt: opts.onAttempt,
      ...(opts.rateLimitOf ? { rateLimitOf: opts.rateLimitOf } : {}),
      signal: this.abort.signal,
    }
    const claim = { batchSize: opts.batchSize, leaseMs: opts.leaseMs }
    const names = [...opts.locations.keys()]
    this.lanes = [
      ...[...opts.locations].map(([name, auth]) => new Lane(this.ctx, { name, auth }, claim)),
      new Lane(this.ctx, { name: '(unconfigured)', auth: undefined }, { ...claim, excludeLocations: names }),
    ]
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.loops = this.lanes.map((lane) => this.run(lane))
  }

  /** New work was accepted: skip the rest of every lane's poll wait. */
  wake(): void {
    for (const w of [...this.wakers]) w()
  }

  /** One round in every lane; resolves to the number of jobs handled. */
  runOnce(): Promise<number> {
    this.current = Promise.all(this.lanes.map((lane) => lane.runOnce())).then((n) => n.reduce((a, b) => a + b, 0))
    return this.current
  }

  /** Which locations are paused and why, for readiness and admin views. */
  status(): DeliveryStatus {
    const circuits = this.ctx.circuit.status()
    const auth = this.ctx.authHealth.status()
    const locations = locationStatuses(this.budget.status(), circuits, auth)
    return {
      locations,
      circuits,
      auth,
      bulkRefused: [...this.ctx.bulkRefused],
      searchRefused: [...this.ctx.searchRefused],
    }
  }

  /**
   * Stops claiming, lets in-flight rounds finish for up to `graceMs` (waits on the rate
   * budget are cut at once), then releases whatever leases remain so another process
   * can take those jobs.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false
    this.wake()
    let timer: NodeJS.Timeout | undefined
    const grace = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, graceMs, 'late')))
    const all = Promise.all([...this.loops, this.current ?? Promise.resolve()])
    const first = await Promise.race([
      all,
      new Promise<'late'>((resolve) => setTimeout(resolve, Math.min(graceMs, 50), 'late')),
    ])
    if (first === 'late') this.abort.abort()
    const finished = await Promise.race([all, grace])
    clearTimeout(timer)
    if (finished === 'late')
      this.opts.logger.warn({ graceMs }, 'deliveries still in flight at the end of the grace period')
    const released = await this.opts.store.releaseLeases(this.id)
    if (released > 0) this.opts.logger.info({ released }, 'released leases of undelivered jobs')
  }

  private async run(lane: Lane): Promise<void> {
    while (this.running) {
      let handled = 0
      try {
        handled = await lane.runOnce()
      } catch (err) {
        this.opts.logger.error(
          { err, location: lane.target.name },
          'delivery round failed; retrying after the poll interval',
        )
      }
      if (handled === 0 && this.running) await this.sleep(this.opts.pollIntervalMs)
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.wakers.delete(done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.wakers.add(done)
    })
  }
}
