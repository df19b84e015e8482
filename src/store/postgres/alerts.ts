import type pg from 'pg'
import type { AlertOutbox } from '../ops/roles.js'
import { toAlert, type AlertRow } from '../ops/rows.js'
import { toJob, type JobRow } from '../rows.js'
import type { Job } from '../types.js'
import type { Alert, AlertFilter, NewAlert } from '../ops/types.js'

/** The alert outbox on PostgreSQL: claims skip rows another replica holds. */
export class PostgresAlertOutbox implements AlertOutbox {
  readonly #pool: pg.Pool

  constructor(pool: pg.Pool) {
    this.#pool = pool
  }

  async enqueue(alerts: NewAlert[]): Promise<void> {
    if (alerts.length === 0) return
    await this.#pool.query(
      `INSERT INTO alert_outbox (destination, kind, subject, state, payload, created_at, next_at)
       SELECT d, k, s, st, p, c, c FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])
         AS t(d, k, s, st, p, c)`,
      [
        alerts.map((a) => a.destination),
        alerts.map((a) => a.kind),
        alerts.map((a) => a.subject),
        alerts.map((a) => a.state),
        alerts.map((a) => JSON.stringify(a.payload)),
        alerts.map((a) => a.createdAt),
      ],
    )
  }

  async claim(owner: string, limit: number, leaseMs: number, now: number): Promise<Alert[]> {
    const { rows } = await this.#pool.query<AlertRow>(
      `UPDATE alert_outbox SET lease_owner = $1, lease_until = $3::bigint + $4::bigint, attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM alert_outbox
         WHERE status = 'pending' AND next_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
         ORDER BY next_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [owner, Math.max(1, Math.floor(limit)), now, leaseMs],
    )
    return rows.map(toAlert).sort((a, b) => a.nextAt - b.nextAt || a.id - b.id)
  }

  async markSent(id: number, owner: string, now: number): Promise<void> {
    await this.#pool.query(
      `UPDATE alert_outbox SET status = 'sent', sent_at = $1, lease_owner = NULL, lease_until = NULL, last_error = NULL
       WHERE id = $2 AND lease_owner = $3`,
      [now, id, owner],
    )
  }

  async markFailed(id: number, owner: string, error: string, retryAt: number | null): Promise<void> {
    await this.#pool.query(
      `UPDATE alert_outbox SET status = $1, last_error = $2, next_at = coalesce($3, next_at),
         lease_owner = NULL, lease_until = NULL
       WHERE id = $4 AND lease_owner = $5`,
      [retryAt === null ? 'failed' : 'pending', error, retryAt, id, owner],
    )
  }

  async list(filter: AlertFilter): Promise<Alert[]> {
    const { rows } = await this.#pool.query<AlertRow>(
      `SELECT * FROM alert_outbox WHERE ($1::text IS NULL OR status = $1) AND ($2::bigint IS NULL OR id < $2)
       ORDER BY id DESC LIMIT $3`,
      [filter.status ?? null, filter.before ?? null, filter.limit],
    )
    return rows.map(toAlert)
  }

  async prune(before: number): Promise<number> {
    const { rowCount } = await this.#pool.query(
      `DELETE FROM alert_outbox WHERE status IN ('sent', 'failed') AND created_at < $1`,
      [before],
    )
    return rowCount ?? 0
  }

  async deadLettersSince(since: number, limit: number): Promise<{ count: number; first: Job[] }> {
    const [count, first] = await Promise.all([
      this.#pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE status = 'dead' AND updated_at > $1`, [
        since,
      ]),
      this.#pool.query<JobRow>(
        `SELECT * FROM jobs WHERE status = 'dead' AND updated_at > $1 ORDER BY updated_at, id LIMIT $2`,
        [since, limit],
      ),
    ])
    return { count: count.rows[0]?.n ?? 0, first: first.rows.map(toJob) }
  }

  async awaitingContacts(createdBefore: number, limit: number): Promise<{ count: number; first: Job[] }> {
    const where = `status = 'pending' AND last_error LIKE 'TAGRELAY_CONTACT_NOT_FOUND%' AND created_at < $1`
    const [count, first] = await Promise.all([
      this.#pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE ${where}`, [createdBefore]),
      this.#pool.query<JobRow>(`SELECT * FROM jobs WHERE ${where} ORDER BY created_at, id LIMIT $2`, [
        createdBefore,
        limit,
      ]),
    ])
    return { count: count.rows[0]?.n ?? 0, first: first.rows.map(toJob) }
  }

  async lead(owner: string, leaseMs: number, now: number): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      'UPDATE alert_leader SET owner = $1, until = $2 WHERE id = 1 AND (owner = $1 OR until <= $3)',
      [owner, now + leaseMs, now],
    )
    return rowCount === 1
  }
}
