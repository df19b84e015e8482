import type pg from 'pg'
import type { RateWindowLog, Reservation, WindowLimits } from '../roles.js'
import { fromRow, type Row } from '../rows.js'

/** epoch ms of the database's clock at the moment the expression runs (after a lock wait) */
const DB_NOW = `(extract(epoch from clock_timestamp()) * 1000)::bigint`
const NOW = `coalesce($4::bigint, ${DB_NOW})`

/**
 * A sliding-window log per location in PostgreSQL (`rate_window`, migration 8): the row
 * keeps the times of the location's last `cap` sends, and the next send goes at the
 * earliest time t ≥ now with no more than `cap` sends in any interval of `intervalMs`,
 * that is t ≥ (the cap-th most recent send) + intervalMs.
 *
 * Why a sliding log and not the token bucket of migration 6: HighLevel counts requests
 * in FIXED 10-s windows whose alignment a client cannot know. A bucket with burst = max
 * and refill = max per interval can put a full bucket plus a whole interval's refill,
 * about 2 × max, into one fixed window. "No interval of that length, at any alignment,
 * holds more than cap sends" is safe against every fixed window and still allows the
 * full rate. Why only the last `cap` times: the next slot depends on the cap-th most
 * recent send alone, so the row stays small and nothing needs pruning.
 *
 * Why reserve rather than refuse: the answer is a slot, possibly in the future, so a
 * caller sleeps exactly once and replicas are served in the order they asked (a refusal
 * would make every waiter poll the row when a slot frees). Slots are handed out in
 * non-decreasing order because each is at least the last one.
 *
 * Why one INSERT ... ON CONFLICT DO UPDATE: it locks the location's row, so replicas are
 * serialised, and the new slot is computed from the row as locked. Why the database's
 * clock: all replicas then agree on time, clock skew between machines cannot let a
 * send escape the window; `clock_timestamp()` is read after the lock is granted.
 *
 * A shared pause (a 429 seen by any replica) is kept in the row: no slot is handed out
 * before it ends. Slots already handed out are not recalled.
 */
export class PostgresRateWindowLog implements RateWindowLog {
  constructor(private readonly pool: pg.Pool) {}

  async reserve(location: string, { cap, intervalMs }: WindowLimits, now?: number): Promise<Reservation> {
    const c = Math.max(1, Math.floor(cap))
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO rate_window AS w (location, sends) VALUES ($1, ARRAY[${NOW}])
       ON CONFLICT (location) DO UPDATE SET sends = (
         w.sends || greatest(
           ${NOW},
           w.paused_until,
           w.sends[cardinality(w.sends)],
           w.sends[cardinality(w.sends) - $2::int + 1] + $3::bigint
         )
       )[greatest(1, cardinality(w.sends) + 2 - $2::int):]
       RETURNING sends[cardinality(sends)] AS at, ${NOW} AS now, paused_until, paused_reason, paused_by`,
      [location, c, Math.max(1, Math.ceil(intervalMs)), now === undefined ? null : Math.floor(now)],
    )
    const r = fromRow<Reservation>(rows[0]!)
    // bigint arrives as a string; epoch ms fit a double exactly
    return { ...r, at: Number(r.at), now: Number(r.now), pausedUntil: Number(r.pausedUntil) }
  }

  async pause(location: string, ms: number, reason: string, by: string, now?: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO rate_window AS w (location, sends, paused_until, paused_reason, paused_by)
       VALUES ($1, '{}', ${NOW} + $2::bigint, $3, $5)
       ON CONFLICT (location) DO UPDATE
         SET paused_until = excluded.paused_until, paused_reason = excluded.paused_reason, paused_by = excluded.paused_by
         WHERE w.paused_until < excluded.paused_until`,
      [location, Math.max(0, Math.ceil(ms)), reason, now === undefined ? null : Math.floor(now), by],
    )
  }
}
