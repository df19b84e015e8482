import type { RateLimitConfig } from './schema.js'

/**
 * A token bucket in memory, one per source. Why in memory: it protects this process
 * from a flood, which is what a per-replica limit is for; a global limit would need the
 * store on the hot path. Returns 0 when the request may pass, else whole seconds to wait.
 */
export function tokenBucket(config: RateLimitConfig, now: () => number): () => number {
  const capacity = config.burst ?? Math.ceil(config.perSecond)
  let tokens = capacity
  let last = now()
  return () => {
    const t = now()
    tokens = Math.min(capacity, tokens + ((t - last) / 1000) * config.perSecond)
    last = t
    if (tokens >= 1) {
      tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - tokens) / config.perSecond))
  }
}
