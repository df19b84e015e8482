import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Logger } from 'pino'
import type { LocationAuth } from '../highlevel/index.js'
import type { Job, Store } from '../store/index.js'
import { retryDelay, type BackoffPolicy } from './backoff.js'
import { deliverJob, type DeliveryClient } from './deliver.js'

export interface WorkerOptions {
  store: Store
  client: DeliveryClient
  /** config location name → credentials */
  locations: ReadonlyMap<string, LocationAuth>
  logger: Logger
  batchSize: number
  pollIntervalMs: number
  leaseMs: number
  backoff: BackoffPolicy
  now?: () => number
  /** called once per finished attempt (metrics) */
  onAttempt?: (location: string, outcome: 'done' | 'retry' | 'dead') => void
}

/**
 * Claims due jobs with a lease and applies them. Polling is the fallback; `wake()` after
 * an accept makes delivery start at once. A job whose lease runs out (a crashed process)
 * becomes claimable again, so delivery is at-least-once, which is safe because adding a
 * tag the contact already has is a no-op in HighLevel.
 */
export class DeliveryWorker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  private running = false
  private current: Promise<number> | null = null
  private timer: NodeJS.Timeout | null = null
  private wakeUp: (() => void) | null = null
  private loop: Promise<void> | null = null
  private readonly now: () => number

  constructor(private readonly opts: WorkerOptions) {
    this.now = opts.now ?? Date.now
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  /** New work was accepted: skip the rest of the poll wait. */
  wake(): void {
    this.wakeUp?.()
  }

  /** Claims one batch and delivers it; resolves to the number of jobs handled. */
  runOnce(): Promise<number> {
    this.current = this.deliverBatch()
    return this.current
  }

  /**
   * Stops claiming, lets the in-flight batch finish for up to `graceMs`, then releases
   * whatever leases remain so another process can take those jobs at once.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false
    this.wake()
    let timer: NodeJS.Timeout | undefined
    const grace = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, graceMs, 'late')))
    const finished = await Promise.race([this.loop ?? this.current ?? Promise.resolve(), grace])
    clearTimeout(timer)
    if (finished === 'late') this.opts.logger.warn({ graceMs }, 'deliveries still in flight at the end of the grace period')
    const released = await this.opts.store.releaseLeases(this.id)
    if (released > 0) this.opts.logger.info({ released }, 'released leases of undelivered jobs')
  }

  private async run(): Promise<void> {
    while (this.running) {
      let handled = 0
      try {
        handled = await this.runOnce()
      } catch (err) {
        this.opts.logger.error({ err }, 'delivery batch failed; retrying after the poll interval')
      }
      if (handled === 0 && this.running) await this.sleep(this.opts.pollIntervalMs)
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        if (this.timer) clearTimeout(this.timer)
        this.timer = null
        this.wakeUp = null
        resolve()
      }
      this.wakeUp = done
      this.timer = setTimeout(done, ms)
    })
  }

  private async deliverBatch(): Promise<number> {
    const { store, batchSize, leaseMs } = this.opts
    const jobs = await store.claimJobs({ owner: this.id, limit: batchSize, leaseMs, now: this.now() })
    await Promise.all(jobs.map((job) => this.deliver(job)))
    return jobs.length
  }

  private async deliver(job: Job): Promise<void> {
    const { store, client, locations, backoff } = this.opts
    const log = this.opts.logger.child({ eventId: job.eventId, jobId: job.id, location: job.location })
    const startedAt = this.now()
    const outcome = await deliverJob(job, locations.get(job.location), client)
    const finishedAt = this.now()
    if (outcome.ok) {
      await store.completeJob(job.id, this.id, { startedAt, finishedAt, outcome: 'done', statusCode: outcome.statusCode, contactId: outcome.contactId, response: outcome.response })
      this.opts.onAttempt?.(job.location, 'done')
      log.info({ contactId: outcome.contactId, tags: job.add, untags: job.remove.length > 0 ? job.remove : undefined, ms: finishedAt - startedAt }, 'tags applied')
      return
    }
    const retryAt = outcome.retryable ? finishedAt + retryDelay(job.attempts, backoff, outcome.retryAfterMs) : null
    await store.failJob(job.id, this.id, {
      startedAt,
      finishedAt,
      outcome: retryAt === null ? 'dead' : 'retry',
      statusCode: outcome.statusCode,
      error: `${outcome.code}: ${outcome.error}`,
      contactId: outcome.contactId,
      response: outcome.response,
    }, retryAt)
    this.opts.onAttempt?.(job.location, retryAt === null ? 'dead' : 'retry')
    const fields = { code: outcome.code, status: outcome.statusCode, attempts: job.attempts + 1, err: outcome.error }
    if (retryAt === null) log.warn(fields, 'delivery failed permanently; job moved to dead letters')
    else log.warn({ ...fields, retryInMs: retryAt - finishedAt }, 'delivery failed; will retry')
  }
}
