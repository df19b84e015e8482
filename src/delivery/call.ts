import { HighLevelRateLimitedError, type LocationAuth } from '../highlevel/index.js'
import { retryDelay } from './backoff.js'
import type { EngineContext } from './context.js'
import { highLevelCallSpan, type CallTrace } from './trace.js'

const MAX_429_PER_CALL = 3

/**
 * One HighLevel call under the location's budget and circuit. A 429 pauses the location
 * (Retry-After when HighLevel sent one, else a short backoff) and the call waits and
 * tries again, so a 429 costs time but not an attempt; after three in a row it counts as
 * a failure. An open circuit throws CircuitOpenError before anything is sent. `trace`
 * names the call and its jobs for its span (trace.ts).
 */
export async function budgeted<T>(
  ctx: EngineContext,
  auth: LocationAuth,
  call: () => Promise<T>,
  trace?: CallTrace,
): Promise<T> {
  const id = auth.locationId
  for (let n = 0; ; n++) {
    const probe = ctx.circuit.admit(id)
    let answered = false
    try {
      await ctx.budget.take(id, ctx.signal)
    } catch (err) {
      if (probe) ctx.circuit.released(id)
      throw err
    }
    try {
      const result = await highLevelCallSpan(id, trace, call)
      answered = true
      ctx.circuit.succeeded(id)
      ctx.authHealth.succeeded(id)
      return result
    } catch (err) {
      if (err instanceof Error && err.name !== 'AbortError') {
        answered = true
        ctx.circuit.failed(id, err)
        ctx.authHealth.observe(id, err)
      }
      if (!(err instanceof HighLevelRateLimitedError) || n + 1 >= MAX_429_PER_CALL) throw err
      const waitMs = err.retryAfterMs ?? retryDelay(n, { baseMs: 1_000, maxMs: 30_000 }) + 1_000
      ctx.budget.pause(id, waitMs, `HighLevel answered 429; paused ${waitMs} ms`)
    } finally {
      if (probe && !answered) ctx.circuit.released(id)
      ctx.budget.done(id)
    }
  }
}
