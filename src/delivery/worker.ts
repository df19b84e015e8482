import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Logger } from 'pino'
import type { LocationAuth } from '../highlevel/index.js'
import type { AuthFailureStore, Store } from '../store/index.js'
import type { BackoffPolicy } from './backoff.js'
import { LocalRateBudget, type RateBudget, type RateBudgetConfig } from './budget.js'
import { AuthHealth, type AuthHealthStatus } from './auth-health.js'
import { CircuitBreaker, type CircuitPolicy, type CircuitStatus } from './circuit.js'
import type { DeliverySettings, EngineClient, EngineContext } from './context.js'
import { Lane } from './lane.js'
import { Scheduler, type LaneRun } from './scheduler.js'
import { locationStatuses, type LocationStatus } from './status.js'
import { systemClock, type Clock } from '../common/clock.js'

/**
 * The locations the engine delivers to, by the name jobs carry (a `Map` will do).
 * Looked up at every round, so locations can come and go while the engine runs.
 */
export interface LocationLookup {
  get(name: string): LocationAuth | undefined
  keys(): Iterable<string>
  /** false while the location's jobs must wait (disabled); default true */
  deliverable?(name: string): boolean
  /** reads the location from the store before its jobs count as unknown (another replica may have installed it) */
  refresh?(name: string): Promise<void>
}

export interface WorkerOptions extends DeliverySettings {
  /** with `authFailures`, each location's "failing since" survives a restart (auth-health.ts) */
  store: Pick<Store, 'jobs' | 'contacts'> & { authFailures?: AuthFailureStore }
  client: EngineClient
  /** location name (what jobs carry) → credentials */
  locations: LocationLookup
  /** HighLevel's rate-limit headers last seen per locationId (the client), kept with each attempt */
  rateLimitOf?: EngineContext['rateLimitOf']
  logger: Logger
  /** jobs a lane claims per round */
  batchSize: number
  /** how often one query looks for due work nobody announced (other replicas, ended leases) */
  pollIntervalMs: number
  leaseMs: number
  backoff: BackoffPolicy
  /** each location's rate budget (the service's is shared across replicas on PostgreSQL); default a local one of `rateLimit` */
  budget?: RateBudget
  rateLimit: RateBudgetConfig
  circuitBreaker: CircuitPolicy
  /** reads the time and waits: the budget, circuit, auth health, retry times and scheduler (default the system clock) */
  clock?: Clock
  /** called once per finished attempt (metrics) */
  onAttempt?: (location: string, outcome: 'done' | 'retry' | 'dead') => void
  /** tags dropped because a later event had decided them (the last word wins), per location */
  onSuperseded?: (location: string, tags: number) => void
  /** tags a job in doubt found already applied and did not send again, per location */
  onAlreadyApplied?: (location: string, tags: number) => void
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
 * The delivery engine: a lane per location that has due work, each claiming its own
 * jobs with a lease and delivering them under the location's rate budget. The
 * scheduler (scheduler.ts) runs a lane only when its location has work: `wake()` after
 * an accept, its next job's due time, or the sweep. Delivery is at-least-once (a job
 * whose lease ran out is claimed again), which is safe: adding a tag the contact has is
 * a no-op.
 */
export class DeliveryWorker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  readonly budget: RateBudget
  readonly scheduler: Scheduler
  private readonly ctx: EngineContext
  private readonly abort = new AbortController()
  private current: Promise<number> | null = null
  #starting: Promise<void> = Promise.resolve()
  #stopped = false

  constructor(private readonly opts: WorkerOptions) {
    const clock = opts.clock ?? systemClock
    const now = (): number => clock.now()
    this.budget =
      opts.budget ??
      new LocalRateBudget(
        opts.rateLimit,
        (locationId, until, reason) => opts.logger.warn({ locationId, until: new Date(until).toISOString() }, reason),
        clock,
      )
    this.ctx = {
      store: opts.store,
      client: opts.client,
      budget: this.budget,
      logger: opts.logger,
      owner: this.id,
      now,
      clock,
      circuit: new CircuitBreaker(opts.circuitBreaker, now, (id, open, detail) =>
        open
          ? opts.logger.warn({ locationId: id, ...detail }, 'circuit opened: HighLevel keeps failing; deliveries held')
          : opts.logger.info(
              { locationId: id, ...detail },
              'circuit closed: HighLevel answers again; deliveries resume',
            ),
      ),
      authHealth: new AuthHealth(now, opts.store.authFailures, (err, doing) =>
        opts.logger.error({ err }, `delivery: ${doing} in the store failed`),
      ),
      backoff: opts.backoff,
      retryMaxAttempts: opts.retryMaxAttempts,
      retryMaxAgeHours: opts.retryMaxAgeHours,
      contactNotFoundRetryHours: opts.contactNotFoundRetryHours,
      inFlightPerLocation: opts.inFlightPerLocation,
      bulkSize: opts.bulkSize,
      contactCacheTtlHours: opts.contactCacheTtlHours,
      bulkRefused: new Set(),
      searchBatchSize: opts.searchBatchSize,
      searchRefused: new Set(),
      onAttempt: opts.onAttempt,
      ...(opts.onSuperseded ? { onSuperseded: opts.onSuperseded } : {}),
      ...(opts.onAlreadyApplied ? { onAlreadyApplied: opts.onAlreadyApplied } : {}),
      ...(opts.rateLimitOf ? { rateLimitOf: opts.rateLimitOf } : {}),
      signal: this.abort.signal,
    }
    this.scheduler = new Scheduler({
      agenda: opts.store.jobs,
      run: (location) => this.#runLane(location),
      runnable: (location) => opts.locations.deliverable?.(location) !== false,
      sweepMs: opts.pollIntervalMs,
      logger: opts.logger,
      clock,
    })
  }

  /**
   * Starts delivering. On a store with one delivering process (SQLite), the worker first
   * takes the store's deliveries over: a predecessor killed mid-round left leases that
   * would hold its jobs (and, by person order, every later job of the same people) for
   * `leaseMs`; they are dropped at once, so the first round runs within the start.
   */
  start(): void {
    const { store } = this.opts
    if (store.jobs.takeOverLeases === undefined && store.authFailures === undefined) return this.scheduler.start()
    const takeOver = this.takeOver().catch((err: unknown) =>
      this.opts.logger.error({ err }, 'delivery: taking over the store failed'),
    )
    // the failing credentials a previous process saw are read before the first round
    this.#starting = Promise.all([takeOver, this.ctx.authHealth.load()]).then(() => {
      if (!this.#stopped) this.scheduler.start()
    })
  }

  /** SQLite: becomes the store's delivering owner, dropping a dead predecessor's leases (see start). */
  async takeOver(): Promise<void> {
    const took = await this.opts.store.jobs.takeOverLeases?.(this.id, this.ctx.now())
    if (took && took.released > 0)
      this.opts.logger.info(
        { released: took.released, previous: took.previous, epoch: took.epoch },
        'took back the leases of a previous process; their jobs are due now',
      )
  }

  /** New work was accepted for these locations (none named: look for any due work). */
  wake(locations?: Iterable<string>): void {
    if (locations === undefined) void this.scheduler.sweep()
    else for (const location of new Set(locations)) this.scheduler.wake(location)
  }

  /** One round for every known location and every location with due work; resolves to the jobs handled. */
  runOnce(): Promise<number> {
    this.current = (async () => {
      await this.ctx.authHealth.load()
      const names = new Set([
        ...this.opts.locations.keys(),
        ...(await this.opts.store.jobs.dueLocations(this.ctx.now(), 100_000)),
      ])
      const runs = await Promise.all(
        [...names].filter((n) => this.opts.locations.deliverable?.(n) !== false).map((n) => this.#runLane(n)),
      )
      return runs.reduce((a, r) => a + r.handled, 0)
    })()
    return this.current
  }

  async #runLane(location: string): Promise<LaneRun> {
    const { locations } = this.opts
    let auth = locations.get(location)
    if (auth === undefined && locations.refresh) {
      await locations.refresh(location)
      auth = locations.get(location)
    }
    const claim = { batchSize: this.opts.batchSize, leaseMs: this.opts.leaseMs }
    const handled = await new Lane(this.ctx, { name: location, auth }, claim).runOnce()
    const probeAt = auth && handled === 0 ? this.ctx.circuit.probeAt(auth.locationId) : null
    return {
      handled,
      more: handled >= claim.batchSize,
      heldUntil: probeAt !== null && probeAt > this.ctx.now() ? probeAt : null,
    }
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
   * can take those jobs. Failing credentials it saw are in the store by then. The service
   * passes what is left of `server.shutdownGraceMs`.
   */
  async stop(graceMs: number): Promise<void> {
    this.#stopped = true
    await this.#starting
    let timer: NodeJS.Timeout | undefined
    const grace = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, graceMs, 'late')))
    const all = Promise.all([this.scheduler.stop(), this.current ?? Promise.resolve()])
    const first = await Promise.race([
      all,
      new Promise<'late'>((resolve) => setTimeout(resolve, Math.min(graceMs, 50), 'late')),
    ])
    if (first === 'late') this.abort.abort()
    const finished = await Promise.race([all, grace])
    clearTimeout(timer)
    if (finished === 'late')
      this.opts.logger.warn({ graceMs }, 'deliveries still in flight at the end of the grace period')
    await this.ctx.authHealth.flush()
    const released = await this.opts.store.jobs.releaseLeases(this.id)
    if (released > 0) this.opts.logger.info({ released }, 'released leases of undelivered jobs')
  }
}
