import type { Logger } from 'pino'
import { systemClock, type Clock } from '../common/clock.js'
import type { JobAgenda } from '../store/index.js'
import { DueHeap } from './due-heap.js'

/** What one location's round tells the scheduler. */
export interface LaneRun {
  handled: number
  /** the location may not claim before this time (an open circuit's next probe), null when free */
  heldUntil: number | null
  /** whether another round may find more due work at once (the claim was full); default handled > 0 */
  more?: boolean
}

export interface SchedulerOptions {
  agenda: JobAgenda
  /** one round of the location's lane */
  run(location: string): Promise<LaneRun>
  /** whether the location may deliver now (a disabled location's jobs wait) */
  runnable(location: string): boolean
  /** how often one query looks for due work this process was not told of (other replicas, lease ends) */
  sweepMs: number
  logger: Logger
  /** reads the time and runs both timers (the due heap's and the sweep's); default the system clock */
  clock?: Clock
}

/** No timer waits longer (setTimeout's limit is 2^31-1 ms); the top is looked at again then. */
const MAX_WAIT_MS = 3_600_000
/** locations one sweep wakes at most; the next sweep takes the rest */
const SWEEP_LIMIT = 5_000

/**
 * Finds delivery work by what is due instead of polling every location.
 *
 * Why: a loop per location that polls costs CPU for every idle location (with 3,000
 * locations the event loop was busy 43 % of a core finding nothing). Here an idle
 * location has no timer and no promise. A location runs only when (1) an accept or a
 * replay wakes it, (2) its own next job comes due (one heap and one timer for all), or
 * (3) the sweep, one query for the whole store every `sweepMs`, finds it due (work
 * accepted by another replica, a lease that ran out, a replay from the command line).
 * A woken location runs rounds until it finds nothing, in its own async loop, so a slow
 * or paused (rate budget, circuit) location never delays another.
 */
export class Scheduler {
  readonly #opts: SchedulerOptions
  readonly #clock: Clock
  readonly #heap = new DueHeap()
  /** locations whose loop runs; `true` when woken again during it */
  readonly #active = new Map<string, boolean>()
  readonly #loops = new Set<Promise<void>>()
  /** aborts the due heap's timer */
  #timer: AbortController | undefined
  #timerAt = Infinity
  /** aborts the sweep's timer */
  #sweeper: AbortController | undefined
  #running = false

  constructor(opts: SchedulerOptions) {
    this.#opts = opts
    this.#clock = opts.clock ?? systemClock
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    void this.sweep()
    this.#sweeper = new AbortController()
    void this.#sweepEvery(this.#sweeper.signal)
  }

  /** Runs the location's lane now (or once more, if it is running). */
  wake(location: string): void {
    if (!this.#running) return
    if (this.#active.has(location)) {
      this.#active.set(location, true)
      return
    }
    if (!this.#opts.runnable(location)) return
    this.#heap.delete(location)
    this.#active.set(location, false)
    const loop = this.#loop(location).finally(() => this.#loops.delete(loop))
    this.#loops.add(loop)
  }

  /** One query for every location with due work. */
  async sweep(): Promise<void> {
    if (!this.#running) return
    try {
      for (const location of await this.#opts.agenda.dueLocations(this.#now(), SWEEP_LIMIT)) this.wake(location)
    } catch (err) {
      this.#opts.logger.error({ err }, 'delivery: looking for due work failed; the next sweep tries again')
    }
  }

  /** Stops waking anything; resolves when every running loop has ended. */
  async stop(): Promise<void> {
    this.#running = false
    this.#sweeper?.abort()
    this.#timer?.abort()
    this.#timer = undefined
    while (this.#loops.size > 0) await Promise.all([...this.#loops])
  }

  /** locations with a loop running now and locations with a timed wake-up (status, tests) */
  counts(): { active: number; scheduled: number } {
    return { active: this.#active.size, scheduled: this.#heap.size }
  }

  async #loop(location: string): Promise<void> {
    try {
      for (;;) {
        this.#active.set(location, false)
        let run: LaneRun
        let ranAt: number
        do {
          ranAt = this.#now()
          run = await this.#opts.run(location)
          // a claim that was not full took everything due; what comes later wakes it or is scheduled
        } while ((run.more ?? run.handled > 0) && this.#running)
        if (!this.#running) return
        const again = (): boolean => this.#active.get(location) === true && run.heldUntil === null
        if (again()) continue
        await this.#scheduleNext(location, run.heldUntil, ranAt)
        // woken while the next due time was read: one more round rather than a lost wake-up
        if (!again() || !this.#running) return
      }
    } catch (err) {
      this.#opts.logger.error({ err, location }, 'delivery round failed; retrying after the sweep interval')
      if (this.#running) this.#at(location, this.#now() + this.#opts.sweepMs)
    } finally {
      this.#active.delete(location)
    }
  }

  /** `ranAt`: a job due then that the round did not take waits for its person's other job (person order) */
  async #scheduleNext(location: string, heldUntil: number | null, ranAt: number): Promise<void> {
    const next = await this.#opts.agenda.nextDueAt(location, ranAt)
    if (next === null) return
    this.#at(location, Math.max(next, heldUntil ?? 0))
  }

  #at(location: string, at: number): void {
    this.#heap.push(location, at)
    this.#arm()
  }

  #arm(): void {
    const top = this.#heap.peek()
    if (top === null || !this.#running || top >= this.#timerAt) return
    this.#timer?.abort()
    this.#timerAt = top
    const timer = (this.#timer = new AbortController())
    this.#clock.sleep(Math.min(MAX_WAIT_MS, Math.max(0, top - this.#now())), timer.signal).then(
      () => this.#fire(),
      () => {}, // replaced by an earlier one, or stopped
    )
  }

  /** the sweep every `sweepMs`, on a timer that does not keep the process alive */
  async #sweepEvery(signal: AbortSignal): Promise<void> {
    try {
      for (;;) {
        await this.#clock.sleep(this.#opts.sweepMs, signal, { unref: true })
        void this.sweep()
      }
    } catch {
      // stopped
    }
  }

  #now(): number {
    return this.#clock.now()
  }

  #fire(): void {
    this.#timer = undefined
    this.#timerAt = Infinity
    for (const location of this.#heap.popDue(this.#now())) this.wake(location)
    this.#arm()
  }
}
