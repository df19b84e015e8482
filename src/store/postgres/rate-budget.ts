import type pg from 'pg'

/**
 * A per-location request budget: `take` reserves `n` requests at `now` and answers how
 * many milliseconds the caller must wait before sending them (0: send now).
 */
export interface RateBudget {
  take(location: string, n: number, now: number): Promise<number>
}

export interface BudgetLimits {
  /** requests allowed per interval (HighLevel: 100) */
  max: number
  /** the interval in ms (HighLevel: 10 000) */
  intervalMs: number
}

/**
 * The budget shared by every replica on one PostgreSQL database: a token bucket per
 * location in `rate_budget`, holding at most `max` tokens and refilled at
 * `max / intervalMs` per millisecond.
 *
 * Why one INSERT ... ON CONFLICT DO UPDATE that refills and takes: the row lock of the
 * update serialises replicas, and the refill is computed from the row as locked, so no
 * two replicas can spend the same tokens. Why a take may drive the bucket negative (a
 * reservation) rather than refuse: the caller learns the exact wait and later callers
 * queue behind it, so the replicas together send at most `max` in a burst and then
 * `max / intervalMs` per ms, whatever their number.
 *
 * Clocks: `now` is the caller's; replicas must have roughly synchronised clocks (NTP). A
 * clock behind the stored one refills nothing rather than going backwards.
 */
export class PostgresRateBudget implements RateBudget {
  readonly #pool: pg.Pool
  readonly #limits: (location: string) => BudgetLimits

  constructor(pool: pg.Pool, limits: BudgetLimits | ((location: string) => BudgetLimits)) {
    this.#pool = pool
    this.#limits = typeof limits === 'function' ? limits : () => limits
  }

  async take(location: string, n: number, now: number): Promise<number> {
    const { max, intervalMs } = this.#limits(location)
    const rate = max / intervalMs
    const { rows } = await this.#pool.query<{ tokens: number }>(
      `INSERT INTO rate_budget (location, tokens, updated_at) VALUES ($1, $2::float8 - $3::float8, $4)
       ON CONFLICT (location) DO UPDATE SET
         tokens = least($2::float8, rate_budget.tokens + greatest(0, $4 - rate_budget.updated_at) * $5::float8) - $3::float8,
         updated_at = greatest(rate_budget.updated_at, $4)
       RETURNING tokens`,
      [location, max, n, Math.floor(now), rate],
    )
    const tokens = rows[0]!.tokens
    return tokens >= 0 ? 0 : Math.ceil(-tokens / rate)
  }
}
