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
  #timer: NodeJS.Timeout | null = null
  #running: Promise<void> | null = null

  constructor(opts: {
    store: Pick<Housekeeping, 'pruneDelivered'>
    maxAgeMs: number
    everyMs: number
    onError: (err: unknown) => void
    onPruned?: (n: number) => void
  }) {
    this.#store = opts.store
    this.#maxAgeMs = opts.maxAgeMs
    this.#everyMs = opts.everyMs
    this.#onError = opts.onError
    this.#onPruned = opts.onPruned ?? (() => {})
  }

  start(): void {
    this.#tick()
    this.#timer = setInterval(() => this.#tick(), this.#everyMs)
    this.#timer.unref()
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    await this.#running
  }

  #tick(): void {
    if (this.#running) return
    this.#running = this.#store
      .pruneDelivered(Date.now() - this.#maxAgeMs)
      .then((n) => this.#onPruned(n), this.#onError)
      .finally(() => {
        this.#running = null
      })
  }
}
