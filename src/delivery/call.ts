import { HighLevelRateLimitedError, type LocationAuth } from '../highlevel/index.js'
import { retryDelay } from './backoff.js'
import type { EngineContext } from './context.js'

const MAX_429_PER_CALL = 3

/**
 * One HighLevel call under the location's budget. A 429 pauses the location (Retry-After
 * when HighLevel sent one, else a short backoff) and the call waits and tries again, so
 * a 429 costs time but not an attempt; after three in a row it counts as a failure.
 */
export async function budgeted<T>(ctx: EngineContext, auth: LocationAuth, call: () => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    await ctx.budget.take(auth.locationId, ctx.signal)
    try {
      return await call()
    } catch (err) {
      if (!(err instanceof HighLevelRateLimitedError) || n + 1 >= MAX_429_PER_CALL) throw err
      const waitMs = err.retryAfterMs ?? retryDelay(n, { baseMs: 1_000, maxMs: 30_000 }) + 1_000
      ctx.budget.pause(auth.locationId, waitMs, `HighLevel answered 429; paused ${waitMs} ms`)
    } finally {
      ctx.budget.done(auth.locationId)
    }
  }
}
