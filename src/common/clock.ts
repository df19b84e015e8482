import { setTimeout as delay } from 'node:timers/promises'

/**
 * Time as the engine sees it: everything that reads the time or waits takes a `Clock`
 * rather than calling `Date.now()` or `setTimeout` itself.
 *
 * Why a seam: rate windows, backoffs, leases and alert quiet periods last seconds to hours.
 * A test that waits for them in real time is slow and fails when the machine is busy; one
 * that advances a manual clock by hand (test/helpers/manual-clock.ts) runs in microseconds
 * and can assert exact counts.
 */
export interface Clock {
  /** epoch milliseconds */
  now(): number
  /**
   * resolves after `ms` of this clock's time; rejects with the signal's reason when aborted.
   * `unref`: the wait alone does not keep the process alive (a background sweep's timer).
   */
  sleep(ms: number, signal?: AbortSignal, options?: { unref?: boolean }): Promise<void>
}

/** The real clock. A sleep keeps the process alive, as a timer does, unless `unref`: stop loops with the signal. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal, options) =>
    delay(Math.max(0, ms), undefined, { ...(signal ? { signal } : {}), ...(options?.unref ? { ref: false } : {}) }),
}
