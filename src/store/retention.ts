import { systemClock, type Clock } from '../common/clock.js'
import type { Housekeeping } from './roles.js'

/**
 * Runs `store.pruneDelivered(now - maxAgeMs)` every `everyMs` (and once at start).
 *
 * Why a timer in the service rather than a trigger or a cron job: both stores get the
 * same behaviour with nothing extra to deploy. With several replicas each one prunes;
 * the deletes are idempotent, so the only cost is a repeated cheap query.
 */
export class RetentionTimer {
  readonly #store: Pick<Housekeeping, 'pruneDelivered'>
  readonly #maxAgeMs: number
  readonly #everyMs: number
  readonly #onError: (err: unknown) => void
  readonly #onPruned: (n: number) => void
  readonly #clock: Clock
  #timer: AbortController | null = null
  #running: Promise<void> | null = null

  constructor(opts: {
    store: Pick<Housekeeping, 'pruneDelivered'>
    maxAgeMs: number
    everyMs: number
    onError: (err: unknown) => void
    onPruned?: (n: number) => void
    /** reads the time and waits between prunes (default the system clock) */
    clock?: Clock
  }) {
    this.#store = opts.store
    this.#maxAgeMs = opts.maxAgeMs
    this.#everyMs = opts.everyMs
    this.#onError = opts.onError
    this.#onPruned = opts.onPruned ?? (() => {})
    this.#clock = opts.clock ?? systemClock
  }

  start(): void {
    this.#tick()
    this.#timer = new AbortController()
    void this.#every(this.#timer.signal)
  }

  async stop(): Promise<void> {
    this.#timer?.abort()
    this.#timer = null
    await this.#running
  }

  /** a tick every `everyMs`, on a timer that does not keep the process alive */
  async #every(signal: AbortSignal): Promise<void> {
    try {
      for (;;) {
        await this.#clock.sleep(this.#everyMs, signal, { unref: true })
        this.#tick()
      }
    } catch {
      // stopped
    }
  }

  #tick(): void {
    if (this.#running) return
    this.#running = this.#store
      .pruneDelivered(this.#clock.now() - this.#maxAgeMs)
      .then((n) => this.#onPruned(n), this.#onError)
      .finally(() => {
        this.#running = null
      })
  }
}
