import { systemClock, type Clock } from '../common/clock.js'

/**
 * The sandbox's sense of time. With `scale: 100` a sandbox second passes in 10 real ms,
 * so HighLevel's 10-second burst window lasts 100 ms and rate-limited benchmarks run in
 * seconds. Durations the sandbox tells clients (X-RateLimit-Interval-Milliseconds,
 * Retry-After) are converted back to real time, so a client pacing itself from the
 * headers runs at the scaled speed without knowing about the scale. `base` is the real
 * time it scales (a test passes a manual clock, test/helpers/manual-clock.ts).
 */
export class SandboxClock {
  readonly scale: number
  readonly #origin: number
  readonly #realNow: () => number

  constructor(
    scale = 1,
    readonly base: Clock = systemClock,
  ) {
    const realNow = (): number => base.now()
    if (!(scale > 0) || !Number.isFinite(scale))
      throw new RangeError(`clock scale must be a positive number, got ${scale}`)
    this.scale = scale
    this.#realNow = realNow
    this.#origin = realNow()
  }

  /** sandbox epoch ms */
  now(): number {
    return this.#origin + (this.#realNow() - this.#origin) * this.scale
  }

  /** a sandbox duration in real ms */
  toRealMs(sandboxMs: number): number {
    return sandboxMs / this.scale
  }
}
