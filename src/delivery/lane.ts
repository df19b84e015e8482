import type { EngineContext, LaneTarget } from './context.js'
import { deliverRound } from './round.js'

/**
 * One location's delivery loop: claim that location's due jobs, deliver them as a
 * round, repeat. Why a lane per location: a location that is paused (429, daily reserve)
 * or slow waits inside its own lane, and the other lanes keep claiming and delivering.
 * While a round is in flight its leases are renewed every third of the lease, so a
 * long round (a large batch under the rate limit) never loses its jobs to another
 * worker; a crashed worker stops renewing and its jobs return when the lease runs out.
 */
export class Lane {
  constructor(
    private readonly ctx: EngineContext,
    readonly target: LaneTarget,
    private readonly claim: { batchSize: number; leaseMs: number },
  ) {}

  /** Claims one batch and delivers it; resolves to the number of jobs handled. */
  async runOnce(): Promise<number> {
    const { ctx, claim, target } = this
    // an open circuit: nothing is claimed (jobs keep their attempts) until a probe is due, then one job
    const claimable = target.auth ? ctx.circuit.claimable(target.auth.locationId) : 'all'
    if (claimable === 'none') return 0
    const jobs = await ctx.store.jobs.claim({
      owner: ctx.owner,
      limit: claimable === 'probe' ? 1 : claim.batchSize,
      leaseMs: claim.leaseMs,
      now: ctx.now(),
      location: target.name,
    })
    if (jobs.length === 0) return 0
    const ids = jobs.map((j) => j.id)
    const roundOver = new AbortController()
    const renewing = this.#renew(ids, roundOver.signal)
    try {
      await deliverRound(ctx, target, jobs)
    } finally {
      roundOver.abort()
      await renewing
    }
    return jobs.length
  }

  /** Renews the round's leases every third of the lease until the round is over. */
  async #renew(ids: number[], roundOver: AbortSignal): Promise<void> {
    const { ctx, claim } = this
    const every = Math.max(100, Math.floor(claim.leaseMs / 3))
    for (;;) {
      try {
        await ctx.clock.sleep(every, roundOver)
      } catch {
        return // the round is over
      }
      await ctx.store.jobs
        .renewLeases(ctx.owner, ids, claim.leaseMs, ctx.now())
        .catch((err: unknown) => ctx.logger.error({ err }, 'lease renewal failed'))
    }
  }
}
