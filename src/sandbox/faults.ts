import { z } from 'zod'

const rate = z.number().min(0).max(1)

/** Faults the sandbox injects into API requests; settable at start and at run time. */
export const faultSettingsSchema = z
  .strictObject({
    /** HTTP status → probability per request, e.g. { "503": 0.1, "429": 0.05 } */
    errorRates: z.record(z.string().regex(/^[45]\d\d$/, 'a 4xx or 5xx status'), rate).default({}),
    /** added to every API answer, real ms */
    latencyMs: z.number().int().min(0).default(0),
    /** probability of never answering (the client's timeout must fire) */
    timeoutRate: rate.default(0),
    /** probability of destroying the connection without an answer */
    resetRate: rate.default(0),
    /** every API request answers `status` from `startsInMs` after the setting, for `durationMs` (real ms) */
    outage: z
      .strictObject({
        startsInMs: z.number().int().min(0).default(0),
        durationMs: z.number().int().positive(),
        status: z.number().int().min(500).max(599).default(503),
      })
      .nullable()
      .default(null),
    /** Retry-After (seconds) on injected 429s; null sends none */
    retryAfterSec: z.number().int().min(0).nullable().default(1),
  })
  .refine((f) => f.timeoutRate + f.resetRate + Object.values(f.errorRates).reduce((a, b) => a + b, 0) <= 1, {
    message: 'timeoutRate, resetRate and errorRates add up to more than 1',
  })

export type FaultSettings = z.output<typeof faultSettingsSchema>
export type FaultSettingsInput = z.input<typeof faultSettingsSchema>

export type Fault =
  | { kind: 'status'; status: number; body: unknown; retryAfterSec: number | null }
  | { kind: 'timeout' }
  | { kind: 'reset' }

const DEFAULT_FAULT_BODIES: Record<number, object> = {
  400: { statusCode: 400, message: 'Bad Request' },
  401: { statusCode: 401, message: 'Invalid JWT', error: 'Unauthorized' },
  403: { statusCode: 403, message: 'The token does not have access to this location.' },
  404: { statusCode: 404, message: 'Not Found', error: 'Not Found' },
  422: { statusCode: 422, message: ['Unprocessable Entity'], error: 'Unprocessable Entity' },
  429: { statusCode: 429, message: 'Too Many Requests', error: 'Too Many Requests' },
}

export function faultBody(status: number): object {
  return (
    DEFAULT_FAULT_BODIES[status] ?? { statusCode: status, message: status >= 500 ? 'Internal server error' : 'Error' }
  )
}

/** Decides, per request, whether and how to fail it: outage, queued failures, then dice. */
export class FaultInjector {
  #settings: FaultSettings
  #outage: { from: number; until: number; status: number } | null = null
  readonly #queue: { status: number; remaining: number; body: unknown }[] = []
  /** faults injected so far, by kind: 'outage', 'timeout', 'reset' or the status ('503', '429') */
  readonly #injected: Record<string, number> = {}

  constructor(
    input: FaultSettingsInput = {},
    private readonly random: () => number = Math.random,
    private readonly realNow: () => number = Date.now,
  ) {
    this.#settings = this.set(input)
  }

  get settings(): FaultSettings {
    return structuredClone(this.#settings)
  }

  /** Replaces every setting (throws a ZodError when invalid). */
  set(input: FaultSettingsInput): FaultSettings {
    const settings = faultSettingsSchema.parse(input)
    const now = this.realNow()
    this.#outage =
      settings.outage === null
        ? null
        : {
            from: now + settings.outage.startsInMs,
            until: now + settings.outage.startsInMs + settings.outage.durationMs,
            status: settings.outage.status,
          }
    this.#settings = settings
    return settings
  }

  failNext(status: number, times: number, body: unknown): void {
    if (times > 0) this.#queue.push({ status, remaining: times, body })
  }

  get latencyMs(): number {
    return this.#settings.latencyMs
  }

  get injected(): Record<string, number> {
    return { ...this.#injected }
  }

  next(): Fault | null {
    const { fault, kind } = this.#next() ?? { fault: null, kind: null }
    if (kind !== null) this.#injected[kind] = (this.#injected[kind] ?? 0) + 1
    return fault
  }

  #next(): { fault: Fault; kind: string } | null {
    const now = this.realNow()
    if (this.#outage !== null && now >= this.#outage.from && now < this.#outage.until) {
      return { fault: this.#status(this.#outage.status), kind: 'outage' }
    }
    const queued = this.#queue[0]
    if (queued !== undefined) {
      if (--queued.remaining <= 0) this.#queue.shift()
      const fault: Fault = {
        kind: 'status',
        status: queued.status,
        body: queued.body,
        retryAfterSec: queued.status === 429 ? this.#settings.retryAfterSec : null,
      }
      return { fault, kind: String(queued.status) }
    }
    const { timeoutRate, resetRate, errorRates } = this.#settings
    if (timeoutRate === 0 && resetRate === 0 && Object.keys(errorRates).length === 0) return null
    let roll = this.random()
    if ((roll -= timeoutRate) < 0) return { fault: { kind: 'timeout' }, kind: 'timeout' }
    if ((roll -= resetRate) < 0) return { fault: { kind: 'reset' }, kind: 'reset' }
    for (const [status, p] of Object.entries(errorRates)) {
      if ((roll -= p) < 0) return { fault: this.#status(Number(status)), kind: status }
    }
    return null
  }

  #status(status: number): Fault {
    return {
      kind: 'status',
      status,
      body: faultBody(status),
      retryAfterSec: status === 429 ? this.#settings.retryAfterSec : null,
    }
  }
}
