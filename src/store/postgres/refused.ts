import type pg from 'pg'
import type { RefusedRequestStore } from '../ops/roles.js'
import {
  REFUSED_INSERT_SQL,
  REFUSED_SUMMARY_COLUMNS,
  refusedValues,
  toRefused,
  toRefusedSummary,
  TRIM_SOURCE_SQL,
  type RefusedRow,
  type RefusedSummaryRow,
} from '../ops/rows.js'
import type { NewRefusedRequest, RefusedBounds, RefusedFilter, RefusedRequest, RefusedSummary } from '../ops/types.js'
import { inTransaction } from './pool.js'

/** Refused requests on PostgreSQL; a keep is one transaction (insert, trim, expire). */
export class PostgresRefusedStore implements RefusedRequestStore {
  readonly #pool: pg.Pool

  constructor(pool: pg.Pool) {
    this.#pool = pool
  }

  async keep(request: NewRefusedRequest, bounds: RefusedBounds): Promise<void> {
    await inTransaction(this.#pool, async (c) => {
      await c.query(
        REFUSED_INSERT_SQL((n) => `$${n}`),
        refusedValues(request),
      )
      // one trim at a time per source, so two keeps cannot both leave one row too many
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tagrelay.refused.${request.source}`])
      await c.query(
        TRIM_SOURCE_SQL((n) => `$${n}`),
        [request.source, bounds.maxPerSource, bounds.maxBytesPerSource],
      )
      await c.query('DELETE FROM refused_requests WHERE received_at < $1', [request.receivedAt - bounds.maxAgeMs])
    })
  }

  async list(f: RefusedFilter): Promise<RefusedSummary[]> {
    const { rows } = await this.#pool.query<RefusedSummaryRow>(
      `SELECT ${REFUSED_SUMMARY_COLUMNS((n) => `substring(body from 1 for ${n})`, 'octet_length(body)')} FROM refused_requests
       WHERE ($1::text IS NULL OR source = $1) AND ($2::text IS NULL OR code = $2)
         AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR id < $4)
       ORDER BY id DESC LIMIT $5`,
      [f.source ?? null, f.code ?? null, f.status ?? null, f.before ?? null, f.limit],
    )
    return rows.map(toRefusedSummary)
  }

  async get(id: string): Promise<RefusedRequest | undefined> {
    const { rows } = await this.#pool.query<RefusedRow>('SELECT * FROM refused_requests WHERE id = $1', [id])
    return rows[0] && toRefused(rows[0])
  }

  async markReverified(id: string, at: number, outcome: { accepted: true } | { code: string }): Promise<void> {
    const accepted = 'accepted' in outcome
    await this.#pool.query(
      'UPDATE refused_requests SET status = $1, reverified_at = $2, reverify_code = $3 WHERE id = $4',
      [accepted ? 'accepted' : 'refused', at, accepted ? null : outcome.code, id],
    )
  }

  async countSince(since: number): Promise<Array<{ source: string; count: number }>> {
    const { rows } = await this.#pool.query<{ source: string; count: number }>(
      'SELECT source, count(*)::int AS count FROM refused_requests WHERE received_at > $1 GROUP BY source ORDER BY source',
      [since],
    )
    return rows
  }
}
