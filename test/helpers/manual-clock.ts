import type { Clock } from '../../src/common/clock.js'

interface Sleeper {
  at: number
  resolve: () => void
  reject: (reason: unknown) => void
  signal: AbortSignal | undefined
  onAbort: () => void
}

/**
 * A clock that moves only when a test moves it. `advance(ms)` wakes every sleeper whose
 * time has come, in time order, letting each one's continuation run (microtasks) before
 * the clock moves past the next, so code that sleeps again in a loop sees each step.
 */
export class ManualClock implements Clock {
  #now: number
  #sleepers: Sleeper[] = []

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  /** how many sleeps are waiting: lets a test wait until the code under test is parked */
  get sleeping(): number {
    return this.#sleepers.length
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper)
          reject(signal?.reason)
        },
      }
      signal?.addEventListener('abort', sleeper.onAbort, { once: true })
      this.#sleepers.push(sleeper)
    })
  }

  /** moves time forward by `ms`, waking sleepers in order */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms
    for (;;) {
      const next = this.#sleepers.reduce<Sleeper | null>((a, s) => (s.at <= end && (!a || s.at < a.at) ? s : a), null)
      if (!next) break
      this.#sleepers = this.#sleepers.filter((s) => s !== next)
      this.#now = Math.max(this.#now, next.at)
      next.signal?.removeEventListener('abort', next.onAbort)
      next.resolve()
      await settle()
    }
    this.#now = end
    await settle()
  }

  /** resolves once something is sleeping (the code under test reached its wait) */
  async untilSleeping(count = 1): Promise<void> {
    while (this.#sleepers.length < count) await new Promise<void>((r) => setImmediate(r))
  }
}

/** lets pending promise continuations run */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
  await new Promise<void>((r) => setImmediate(r))
}
