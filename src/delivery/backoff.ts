export interface BackoffPolicy {
  baseMs: number
  maxMs: number
}

/**
 * Exponential backoff with full jitter: a random delay in [0, min(max, base·2^n)].
 * Jitter spreads the retries of a burst that failed together (an outage) so they do not
 * return together and fail again. A Retry-After from HighLevel is a floor.
 */
export function retryDelay(
  attempts: number,
  policy: BackoffPolicy,
  retryAfterMs: number | null = null,
  random = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempts, 30))
  const delay = Math.round(random() * ceiling)
  return retryAfterMs === null ? delay : Math.max(delay, retryAfterMs)
}
