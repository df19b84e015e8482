import type { Alert, AlertFilter, NewAlert } from './ops/types.js'
import { fromRow, toJob, type Row } from './rows.js'
import { q, SqlRole } from './sql.js'
import type { Job } from './types.js'
import { codes } from '../errors.js'

/** the columns an `Alert` has (not the lease) */
const ALERT =
  'id, destination, kind, subject, state, payload, created_at, status, attempts, next_at, last_error, sent_at'

const toAlert = (r: Row): Alert => ({ ...fromRow<Alert>(r), payload: JSON.parse(r.payload as string) as unknown })

const AWAITING_CONTACT = `status = 'pending' AND last_error LIKE '${codes.TAGRELAY_CONTACT_NOT_FOUND}%' AND created_at < $1`

/**
 * The alert outbox over either store: alerts wait here until their destination takes
 * them, so a restart or a receiver that is down loses none. Claims are leased like jobs,
 * and skip rows another replica holds.
 */
export class AlertOutboxSql extends SqlRole {
  async enqueue(alerts: NewAlert[]): Promise<void> {
    await this.sql.write(function* () {
      for (const a of alerts)
        yield* q.run(
          `INSERT INTO alert_outbox (destination, kind, subject, state, payload, created_at, next_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6)`,
          [a.destination, a.kind, a.subject, a.state, JSON.stringify(a.payload), a.createdAt],
        )
    })
  }

  /** leases up to `limit` pending alerts due at `now` (next_at <= now, no live lease) */
  async claim(owner: string, limit: number, leaseMs: number, now: number): Promise<Alert[]> {
    const rows = await this.sql.write(function* () {
      return yield* q.all<Row>(
        `UPDATE alert_outbox SET lease_owner = $1, lease_until = $3::bigint + $4::bigint, attempts = attempts + 1
         WHERE id IN (
           SELECT id FROM alert_outbox
           WHERE status = 'pending' AND next_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
           ORDER BY next_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING ${ALERT}`,
        [owner, Math.max(1, Math.floor(limit)), now, leaseMs],
      )
    })
    return rows.map(toAlert).sort((a, b) => a.nextAt - b.nextAt || a.id - b.id)
  }

  /** the destination took it */
  async markSent(id: number, owner: string, now: number): Promise<void> {
    await this.sql.run(
      `UPDATE alert_outbox SET status = 'sent', sent_at = $1, lease_owner = NULL, lease_until = NULL, last_error = NULL
       WHERE id = $2 AND lease_owner = $3`,
      [now, id, owner],
    )
  }

  /** a failed try: due again at `retryAt`, or given up (`failed`) when null */
  async markFailed(id: number, owner: string, error: string, retryAt: number | null): Promise<void> {
    await this.sql.run(
      `UPDATE alert_outbox SET status = $1, last_error = $2, next_at = coalesce($3, next_at),
         lease_owner = NULL, lease_until = NULL
       WHERE id = $4 AND lease_owner = $5`,
      [retryAt === null ? 'failed' : 'pending', error, retryAt, id, owner],
    )
  }

  /** newest first */
  async list(filter: AlertFilter): Promise<Alert[]> {
    const rows = await this.sql.all<Row>(
      `SELECT ${ALERT} FROM alert_outbox WHERE ($1::text IS NULL OR status = $1) AND ($2::bigint IS NULL OR id < $2)
       ORDER BY id DESC LIMIT $3`,
      [filter.status ?? null, filter.before ?? null, filter.limit],
    )
    return rows.map(toAlert)
  }

  /** drops sent and failed alerts created before `before`; returns how many */
  async prune(before: number): Promise<number> {
    return this.sql.run(`DELETE FROM alert_outbox WHERE status IN ('sent', 'failed') AND created_at < $1`, [before])
  }

  /** jobs that became dead letters after `since` (epoch ms): how many, and the first `limit` of them */
  async deadLettersSince(since: number, limit: number): Promise<{ count: number; first: Job[] }> {
    return this.#countAndFirst(`status = 'dead' AND updated_at > $1`, 'ORDER BY updated_at, id', since, limit)
  }

  /** pending jobs waiting since before `createdBefore` for their contact to exist in HighLevel: how many, and the oldest `limit` */
  async awaitingContacts(createdBefore: number, limit: number): Promise<{ count: number; first: Job[] }> {
    return this.#countAndFirst(AWAITING_CONTACT, 'ORDER BY created_at, id', createdBefore, limit)
  }

  async #countAndFirst(where: string, order: string, at: number, limit: number) {
    const [count, first] = await Promise.all([
      this.sql.get<{ n: number }>(`SELECT count(*) AS n FROM jobs WHERE ${where}`, [at]),
      this.sql.all<Row>(`SELECT * FROM jobs WHERE ${where} ${order} LIMIT $2`, [at, limit]),
    ])
    return { count: Number(count?.n ?? 0), first: first.map(toJob) }
  }

  /**
   * takes or renews the one alert-checking lease for `owner` until `now + leaseMs`; true
   * while `owner` holds it (replicas sharing a store then check the triggers once)
   */
  async lead(owner: string, leaseMs: number, now: number): Promise<boolean> {
    const n = await this.sql.run(
      'UPDATE alert_leader SET owner = $1, until = $2 WHERE id = 1 AND (owner = $1 OR until <= $3)',
      [owner, now + leaseMs, now],
    )
    return n === 1
  }
}
