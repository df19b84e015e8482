import type { SandboxClock } from './clock.js'

export interface RateLimits {
  /** requests per interval per location (HighLevel: 100) */
  burst: number
  /** sandbox ms (HighLevel: 10 s) */
  intervalMs: number
  /** requests per sandbox day per location (HighLevel: 200,000) */
  daily: number
}

export const HIGHLEVEL_LIMITS: RateLimits = { burst: 100, intervalMs: 10_000, daily: 200_000 }
const DAY_MS = 86_400_000

interface Bucket {
  windowStart: number
  used: number
  dayStart: number
  usedToday: number
}

export interface RateDecision {
  allowed: boolean
  headers: Record<string, string>
  /** real seconds until the window (or day) that refused the request reopens */
  retryAfterSec: number
}

/**
 * HighLevel's limits per location: a fixed burst window and a daily counter, both
 * enforced (429) and both reported in X-RateLimit-* headers on every answer. A refused
 * request does not count, as a client that waits must get the full budget back.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>()

  constructor(
    readonly limits: RateLimits,
    readonly clock: SandboxClock,
  ) {}

  take(key: string): RateDecision {
    const now = this.clock.now()
    let bucket = this.#buckets.get(key)
    if (bucket === undefined) {
      bucket = { windowStart: now, used: 0, dayStart: now, usedToday: 0 }
      this.#buckets.set(key, bucket)
    }
    const { burst, intervalMs, daily } = this.limits
    if (now - bucket.windowStart >= intervalMs) Object.assign(bucket, { windowStart: now, used: 0 })
    if (now - bucket.dayStart >= DAY_MS) Object.assign(bucket, { dayStart: now, usedToday: 0 })
    const burstOk = bucket.used < burst
    const dailyOk = bucket.usedToday < daily
    const allowed = burstOk && dailyOk
    if (allowed) {
      bucket.used++
      bucket.usedToday++
    }
    const waitMs = !dailyOk ? bucket.dayStart + DAY_MS - now : bucket.windowStart + intervalMs - now
    return {
      allowed,
      retryAfterSec: Math.max(1, Math.ceil(this.clock.toRealMs(waitMs) / 1000)),
      headers: {
        'x-ratelimit-max': String(burst),
        'x-ratelimit-remaining': String(Math.max(0, burst - bucket.used)),
        'x-ratelimit-interval-milliseconds': String(Math.max(1, Math.round(this.clock.toRealMs(intervalMs)))),
        'x-ratelimit-limit-daily': String(daily),
        'x-ratelimit-daily-remaining': String(Math.max(0, daily - bucket.usedToday)),
      },
    }
  }
}
