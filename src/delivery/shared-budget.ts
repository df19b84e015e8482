import { randomBytes } from 'node:crypto'
import { systemClock, type Clock } from '../common/clock.js'
import type { RateLimitInfo } from '../highlevel/index.js'
import type { RateWindowLog } from '../store/index.js'
import type { LocalRateBudget, LocationBudgetStatus, RateBudget } from './budget.js'

/**
 * The rate budget of replicas that share one store: every send is first taken from this
 * process's own window budget (which keeps reading HighLevel's headers, pauses on a 429
 * or at the daily reserve, and reports status), then reserved in the shared log, which
 * answers when it may go so that all replicas together keep to the location's cap in
 * any interval. Why both: the local budget alone lets each replica spend the whole
 * window (three replicas, three times the limit before the first answer comes back);
 * the shared log alone would lose the header corrections and the daily reserve.
 *
 * Why the interval is padded by the slowest recent round trip: the log holds slot
 * times, HighLevel counts arrival times. A request that travels faster than one sent an
 * interval earlier could land in that one's window. No request arrives later than its
 * answer, so a trip is measured from the earliest moment its slot can have been
 * (asking the store plus the answered wait) to its answer, and the interval is padded
 * by the longest of the last 32 (until one is measured: a tenth of the interval, at
 * least 100 ms, as a first call also opens connections). It costs that much time per
 * interval (a 300 ms trip: 3 % of 10 s); the safety margin takes a spike beyond it.
 *
 * A 429 pauses the location here and in the store, so the other replicas stop too; a
 * pause another replica set is held locally as well, so /readyz and /admin show it.
 * A store that cannot be reached fails the take: the call fails and is retried like
 * any other failure (the replica cannot finish a job without the store either).
 */
export class SharedRateBudget implements RateBudget {
  /** names this budget in the store's pause column, to tell our pauses from others' */
  readonly id = randomBytes(6).toString('hex')

  constructor(
    private readonly shared: RateWindowLog,
    private readonly local: LocalRateBudget,
    private readonly onError: (err: unknown) => void = () => {},
    private readonly clock: Clock = systemClock,
  ) {}

  readonly #trips = new Map<string, RoundTrips>()

  async take(locationId: string, signal?: AbortSignal): Promise<void> {
    await this.local.take(locationId, signal)
    try {
      const { cap, intervalMs } = this.local.window(locationId)
      const trips = this.#tripsOf(locationId)
      const asked = this.clock.now()
      const slot = await this.shared.reserve(locationId, { cap, intervalMs: intervalMs + trips.pad(intervalMs) })
      if (slot.pausedUntil > slot.now && slot.pausedBy !== this.id) {
        this.local.hold(
          locationId,
          slot.pausedUntil - slot.now,
          `paused by another replica: ${slot.pausedReason ?? 'no reason given'}`,
        )
      }
      if (slot.at > slot.now) await this.clock.sleep(slot.at - slot.now, signal)
      trips.sent(asked + Math.max(0, slot.at - slot.now))
    } catch (err) {
      // the caller only calls done() after a successful take
      this.local.done(locationId)
      throw err
    }
  }

  done(locationId: string): void {
    this.#trips.get(locationId)?.answered(this.clock.now())
    this.local.done(locationId)
  }

  observe(locationId: string, info: RateLimitInfo): void {
    this.local.observe(locationId, info)
  }

  pause(locationId: string, ms: number, reason: string): void {
    this.local.pause(locationId, ms, reason)
    // the engine does not wait for this: the local pause already holds this replica
    this.shared.pause(locationId, ms, reason, this.id).catch(this.onError)
  }

  status(): LocationBudgetStatus[] {
    return this.local.status()
  }

  #tripsOf(locationId: string): RoundTrips {
    let trips = this.#trips.get(locationId)
    if (trips === undefined) this.#trips.set(locationId, (trips = new RoundTrips()))
    return trips
  }
}

const KEPT_TRIPS = 32

/**
 * Round trips of one location's calls, from the earliest moment of the slot to done().
 * Why an answer is paired with the earliest open slot (done() does not say which call
 * ended): that one is no later than the call that really ended, so a measured trip is
 * never shorter than a real one.
 */
class RoundTrips {
  readonly #open: number[] = []
  readonly #recent: number[] = []

  sent(at: number): void {
    this.#open.push(at)
  }

  answered(at: number): void {
    if (this.#open.length === 0) return
    const earliest = this.#open.indexOf(Math.min(...this.#open))
    const [sent] = this.#open.splice(earliest, 1) as [number]
    this.#recent.push(Math.max(0, at - sent))
    if (this.#recent.length > KEPT_TRIPS) this.#recent.shift()
  }

  pad(intervalMs: number): number {
    return this.#recent.length === 0 ? Math.max(100, Math.ceil(intervalMs / 10)) : Math.max(...this.#recent)
  }
}
