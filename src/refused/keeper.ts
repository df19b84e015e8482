import type { Logger } from 'pino'
import type { OpsMetrics } from '../metrics/ops.js'
import { keptForm, type InboundRequest, type Source } from '../sources/index.js'
import type { RefusedBounds, RefusedRequestStore } from '../store/index.js'
import { contactIdentifiers } from './contacts.js'
import type { RefusedConfig } from './schema.js'

/** Refusals about who sent the request; malformed, oversized or rate-limited ones are not kept. */
export const KEPT_CODES: ReadonlySet<string> = new Set([
  'TAGRELAY_MISSING_TOKEN',
  'TAGRELAY_BAD_TOKEN',
  'TAGRELAY_MISSING_SIGNATURE',
  'TAGRELAY_BAD_SIGNATURE',
  'TAGRELAY_STALE_TIMESTAMP',
])

export interface RefusedKeeperOptions {
  store: RefusedRequestStore
  config: RefusedConfig
  logger: Logger
  metrics?: OpsMetrics
  /** told of every refusal kept (the alert triggers count them) */
  onKept?: (source: string, code: string) => void
}

export interface Refusal {
  /** the request's id, which becomes the event id if a re-verify accepts it */
  id: string
  code: string
  receivedAt: number
}

/**
 * Keeps refused requests for a second look. Why never awaited by the route: the 401 must
 * not wait for (or fail with) the store, and a sender hammering with a bad secret costs
 * one bounded write each: the store trims the source to its bounds in the same transaction.
 */
export class RefusedKeeper {
  readonly #opts: RefusedKeeperOptions
  readonly #bounds: RefusedBounds
  readonly #pending = new Set<Promise<void>>()

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
    const { logger, metrics, onKept } = this.#opts
    const run = (async () => {
      const form = keptForm(source, req)
      const type = req.headers['content-type']
      const contacts = contactIdentifiers(req.rawBody, Array.isArray(type) ? type[0] : type)
      await this.#opts.store.keep(
        { ...refusal, ...form, source: source.name, method: req.method ?? 'POST', body: req.rawBody, contacts },
        this.#bounds,
      )
      metrics?.refusedKept.inc({ source: source.name, code: refusal.code })
      onKept?.(source.name, refusal.code)
    })().catch((err: unknown) =>
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
