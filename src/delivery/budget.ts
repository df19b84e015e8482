import { systemClock, type Clock } from '../common/clock.js'
import type { RateLimitInfo } from '../highlevel/index.js'

export interface RateBudgetConfig {
  /** requests per interval per location (HighLevel: 100) */
  max: number
  intervalMs: number
  /** share of each interval left unused (0.05 → 95 of 100) */
  safetyMargin: number
  /** daily remaining at which a location pauses until the day resets */
  dailyReserve: number
}

export interface LocationBudgetStatus {
  locationId: string
  paused: boolean
  /** epoch ms; null when not paused */
  pausedUntil: number | null
  reason: string | null
  /** requests sent in the current window / allowed per window */
  used: number
  capacity: number
  dailyRemaining: number | null
  http429: number
}

/**
 * What the delivery engine asks before every HighLevel call. Keyed by HighLevel
 * locationId (the budget belongs to the location, whichever config name points at it).
 * The in-memory one serves one process; replicas sharing a store use `SharedRateBudget`
 * (shared-budget.ts), which adds a reservation in the store to it.
 */
export interface RateBudget {
  /** resolves once one more request may be sent; rejects if `signal` aborts */
  take(locationId: string, signal?: AbortSignal): Promise<void>
  /** the request taken for has finished (answered or failed) */
  done(locationId: string): void
  /** an answer's X-RateLimit-* headers */
  observe(locationId: string, info: RateLimitInfo): void
  /** HighLevel said 429 (or the day's reserve is reached): stop this location for `ms` */
  pause(locationId: string, ms: number, reason: string): void
  status(): LocationBudgetStatus[]
}

interface LocationState {
  max: number
  intervalMs: number
  windowEnd: number
  used: number
  inFlight: number
  /** an answer came for a request of the current window (see `#bound`) */
  answered: boolean
  pausedUntil: number
  reason: string | null
  dailyRemaining: number | null
  http429: number
}

const DAY_MS = 86_400_000

/**
 * A per-location window budget. Why windows and not a plain token bucket: HighLevel
 * counts 100 requests per 10 s window; a bucket that is safe against any window
 * (burst + rate·10 s ≤ 100) can only use about half the allowance at its start and
 * ends ~10 % slower than the floor. Instead each window is spent at once (minus the
 * safety margin) and the next one opens when the server's window has surely ended: the
 * answer that reports Remaining = Max − 1 was the first the server counted in its
 * window, so its arrival time + the interval bounds the window's end. Remaining on
 * every answer caps what is left (other clients of the same location count too),
 * and a new window opens only once every request of the last one has been answered,
 * X-RateLimit-Max and -Interval-Milliseconds replace the configured values.
 */
export class LocalRateBudget implements RateBudget {
  readonly #states = new Map<string, LocationState>()

  constructor(
    private readonly config: RateBudgetConfig,
    private readonly onPause: (locationId: string, untilMs: number, reason: string) => void = () => {},
    private readonly clock: Clock = systemClock,
  ) {}

  #state(locationId: string): LocationState {
    let s = this.#states.get(locationId)
    if (s === undefined) {
      s = {
        max: this.config.max,
        intervalMs: this.config.intervalMs,
        windowEnd: 0,
        used: 0,
        inFlight: 0,
        answered: false,
        pausedUntil: 0,
        reason: null,
        dailyRemaining: null,
        http429: 0,
      }
      this.#states.set(locationId, s)
    }
    return s
  }

  #capacity(s: LocationState): number {
    return Math.max(1, Math.floor(s.max * (1 - this.config.safetyMargin)))
  }

  async take(locationId: string, signal?: AbortSignal): Promise<void> {
    const s = this.#state(locationId)
    for (;;) {
      signal?.throwIfAborted()
      const now = this.clock.now()
      if (s.pausedUntil > now) {
        await this.clock.sleep(s.pausedUntil - now, signal)
        continue
      }
      if (now >= s.windowEnd && s.inFlight > 0) {
        // Not before every request of this window is answered: a late one may have
        // started the server's next window, and its answer (Remaining = Max − 1) moves
        // the end. Usually nothing is in flight by then (a window is spent in its first ms).
        await this.clock.sleep(1, signal)
        continue
      }
      if (now >= s.windowEnd) {
        // A small guard past the interval: timers and the server's clock are not exact.
        s.windowEnd = now + s.intervalMs + guardMs(s.intervalMs)
        s.used = 0
        s.answered = false
      }
      if (s.used < this.#capacity(s)) {
        s.used++
        s.inFlight++
        return
      }
      await this.clock.sleep(Math.max(1, s.windowEnd - now), signal)
    }
  }

  done(locationId: string): void {
    const s = this.#state(locationId)
    s.inFlight = Math.max(0, s.inFlight - 1)
    // ended with no answer before any other (a timeout, a reset): it may have opened the
    // server's window, as late as now
    if (!s.answered) this.#bound(s, this.clock.now())
  }

  /**
   * The server's window surely ends by `at` + the interval, `at` being when an answer to
   * one of this window's requests came (or one ended unanswered): the server counted it
   * in a window that had begun by then. Why it matters: the window is timed from when we
   * opened it, but on a busy machine its first request can reach the server a while later,
   * and the answer that would say so (Remaining = Max − 1) can be lost to a timeout. The
   * first such moment bounds it; a window is never shortened here. Nothing of an earlier
   * window is in flight when one opens (`take`), so every answer since belongs to it.
   */
  #bound(s: LocationState, at: number): void {
    s.windowEnd = Math.max(s.windowEnd, at + s.intervalMs + guardMs(s.intervalMs))
    s.answered = true
  }

  observe(locationId: string, info: RateLimitInfo): void {
    const s = this.#state(locationId)
    const now = this.clock.now()
    if (info.max !== null && info.max > 0) s.max = info.max
    if (info.intervalMs !== null && info.intervalMs > 0) s.intervalMs = info.intervalMs
    if (info.remaining !== null) {
      if (info.remaining >= s.max - 1) {
        // This answer opened the server's window: what we sent before it counts in the
        // last one, only what is still in flight can count in this one.
        s.windowEnd = now + s.intervalMs + guardMs(s.intervalMs)
        s.used = Math.min(s.used, s.inFlight)
        s.answered = true
      } else if (!s.answered) this.#bound(s, now)
      // The server counted more than we sent: another client uses this location too.
      // Ours still in flight may not be counted yet: assume they will be.
      const counted = s.max - info.remaining
      if (counted > s.used) s.used = counted + Math.max(0, s.inFlight - 1)
    }
    if (info.dailyRemaining !== null) {
      s.dailyRemaining = info.dailyRemaining
      if (info.dailyRemaining <= this.config.dailyReserve && s.pausedUntil <= now) {
        this.pause(
          locationId,
          nextUtcMidnight(now) - now,
          `daily budget down to ${info.dailyRemaining} (reserve ${this.config.dailyReserve}); paused until the day resets`,
        )
      }
    }
  }

  pause(locationId: string, ms: number, reason: string): void {
    const s = this.#state(locationId)
    if (reason.includes('429')) s.http429++
    this.#pauseUntil(locationId, s, this.clock.now() + Math.max(0, ms), reason)
  }

  /**
   * A pause another replica set (the shared budget reports it): held, logged and shown
   * like one of ours, but not counted as a 429 of this process, and logged once even
   * when every take while it lasts reports it again.
   */
  hold(locationId: string, ms: number, reason: string): void {
    const s = this.#state(locationId)
    if (s.pausedUntil > this.clock.now()) return
    this.#pauseUntil(locationId, s, this.clock.now() + Math.max(0, ms), reason)
  }

  #pauseUntil(locationId: string, s: LocationState, until: number, reason: string): void {
    if (until <= s.pausedUntil) return
    s.pausedUntil = until
    s.reason = reason
    s.used = this.#capacity(s)
    this.onPause(locationId, until, reason)
  }

  /**
   * The window a shared budget must hold this location to: this process's capacity and
   * interval (the answers' headers win over the configuration), the interval with the
   * same guard as our own windows.
   */
  window(locationId: string): { cap: number; intervalMs: number } {
    const s = this.#state(locationId)
    return { cap: this.#capacity(s), intervalMs: s.intervalMs + guardMs(s.intervalMs) }
  }

  status(): LocationBudgetStatus[] {
    const now = this.clock.now()
    return [...this.#states].map(([locationId, s]) => ({
      locationId,
      paused: s.pausedUntil > now,
      pausedUntil: s.pausedUntil > now ? s.pausedUntil : null,
      reason: s.pausedUntil > now ? s.reason : null,
      used: now >= s.windowEnd ? 0 : s.used,
      capacity: this.#capacity(s),
      dailyRemaining: s.dailyRemaining,
      http429: s.http429,
    }))
  }
}

/** HighLevel does not say when its day resets; UTC midnight is the documented guess. */
function nextUtcMidnight(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS + DAY_MS
}

/** Past the interval before a new window: timers fire up to a millisecond early and clocks tick in whole ms. */
function guardMs(intervalMs: number): number {
  return Math.max(5, Math.ceil(intervalMs * 0.005))
}
