import type { Logger } from 'pino'
import { codes } from '../errors.js'
import type { OpsMetrics } from '../metrics/index.js'
import { keptForm, type InboundRequest, type Source } from '../sources/index.js'
import type { RefusedBounds, RefusedRequestStore } from '../store/index.js'
import type { RefusedConfig } from './schema.js'

/** Refusals about who sent the request; malformed, oversized or rate-limited ones are not kept. */
export const KEPT_CODES: ReadonlySet<string> = new Set([
  codes.TAGRELAY_MISSING_TOKEN,
  codes.TAGRELAY_BAD_TOKEN,
  codes.TAGRELAY_MISSING_SIGNATURE,
  codes.TAGRELAY_BAD_SIGNATURE,
  codes.TAGRELAY_STALE_TIMESTAMP,
])

export interface RefusedKeeperOptions {
  store: RefusedRequestStore
  config: RefusedConfig
  logger: Logger
  metrics?: OpsMetrics
  /** told of every refusal kept (the alert triggers count them) */
  onKept?: (source: string, code: string) => void
  /** epoch ms, for the keep rate; tests pass a fixed clock */
  now?: () => number
}

interface Bucket {
  /** takes `cost` tokens if there are as many (a cost above the capacity needs a full bucket) */
  take(cost: number): boolean
}

/** A token bucket of `capacity`, refilled by `perMinute`; in memory: it protects this process. */
function bucket(capacity: number, perMinute: number, now: () => number): Bucket {
  let tokens = capacity
  let last = now()
  return {
    take(cost) {
      const t = now()
      tokens = Math.min(capacity, tokens + ((t - last) / 60_000) * perMinute)
      last = t
      const c = Math.min(cost, capacity)
      if (tokens < c) return false
      tokens -= c
      return true
    },
  }
}

export interface Refusal {
  /** the request's id, which becomes the event id if a re-verify accepts it */
  id: string
  code: string
  receivedAt: number
}

/**
 * Keeps refused requests for a second look. Why never awaited by the route: the 401 must
 * not wait for (or fail with) the store.
 *
 * Why so little work here: a refusal comes from a sender nobody verified, and anyone can
 * send many. What is kept is only what verification already read (the raw bytes, the
 * headers and query with credentials hashed); the body is not parsed (whom it was about
 * is guessed when the admin view shows it, from its first bytes); the write goes to the
 * store's writer (SQLite's writer thread) like an accept; and each source keeps at most
 * `keepPerMinute` requests (after a burst of `keepBurst`) and `keepBytesPerMinute` bytes:
 * the rest are counted, not kept, so a flood of bad signatures writes a bounded amount
 * and costs a valid sender next to nothing.
 */
export class RefusedKeeper {
  readonly #opts: RefusedKeeperOptions
  readonly #bounds: RefusedBounds
  readonly #pending = new Set<Promise<void>>()
  readonly #rates = new Map<string, { count: Bucket; bytes: Bucket }>()

  constructor(opts: RefusedKeeperOptions) {
    this.#opts = opts
    this.#bounds = {
      maxPerSource: opts.config.maxPerSource,
      maxBytesPerSource: opts.config.maxBytesPerSource,
      maxAgeMs: opts.config.maxAgeHours * 3_600_000,
    }
  }

  keeps(code: string): boolean {
    return this.#opts.config.enabled && KEPT_CODES.has(code)
  }

  /** Starts keeping `req`; returns at once, and never throws (a failure is logged). */
  keep(source: Source, req: InboundRequest, refusal: Refusal): void {
    if (!this.keeps(refusal.code)) return
    const { logger, metrics, onKept, config } = this.#opts
    let rate = this.#rates.get(source.name)
    if (!rate) {
      const now = this.#opts.now ?? Date.now
      rate = {
        count: bucket(config.keepBurst, config.keepPerMinute, now),
        bytes: bucket(config.keepBytesPerMinute, config.keepBytesPerMinute, now),
      }
      this.#rates.set(source.name, rate)
    }
    const over = !rate.count.take(1) ? 'rate' : !rate.bytes.take(req.rawBody.length) ? 'bytes' : null
    if (over) {
      metrics?.refusedNotKept.inc({ source: source.name, reason: over })
      return
    }
    const row = { ...refusal, ...keptForm(source, req), source: source.name, method: req.method ?? 'POST' }
    // last: SQLite's writer may take the body's bytes over (writer.ts), leaving req.rawBody empty
    const run = this.#opts.store
      .keep({ ...row, body: req.rawBody }, this.#bounds)
      .then(() => {
        metrics?.refusedKept.inc({ source: source.name, code: refusal.code })
        onKept?.(source.name, refusal.code)
      })
      .catch((err: unknown) =>
        logger.error({ err, source: source.name, refusedId: refusal.id }, 'keeping a refused request failed'),
      )
    this.#pending.add(run)
    void run.finally(() => this.#pending.delete(run))
  }

  /** Waits for the keeps under way (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending])
  }
}
