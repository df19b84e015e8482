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
  #timer: AbortController | null = null
  #running: Promise<void> | null = null

  constructor(
    private readonly opts: {
      store: Pick<Housekeeping, 'pruneDelivered'>
      maxAgeMs: number
      everyMs: number
      onError: (err: unknown) => void
      onPruned?: (n: number) => void
      /** reads the time and waits between prunes (default the system clock) */
      clock?: Clock
    },
  ) {}

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
        await (this.opts.clock ?? systemClock).sleep(this.opts.everyMs, signal, { unref: true })
        this.#tick()
      }
    } catch {
      // stopped
    }
  }

  #tick(): void {
    if (this.#running) return
    const { store, clock = systemClock, maxAgeMs, onPruned, onError } = this.opts
    this.#running = store
      .pruneDelivered(clock.now() - maxAgeMs)
      .then((n) => onPruned?.(n), onError)
      .finally(() => {
        this.#running = null
      })
  }
}
