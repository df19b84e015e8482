import type { RefusedRequestStore } from './ops/roles.js'
import {
  REFUSED_HEAD_BYTES,
  refusedValues,
  toRefused,
  toRefusedSummary,
  type RefusedRow,
  type RefusedSummaryRow,
} from './ops/rows.js'
import type { NewRefusedRequest, RefusedBounds, RefusedFilter, RefusedRequest, RefusedSummary } from './ops/types.js'
import { q, type Body, type Sql } from './sql.js'

export const INSERT_REFUSED = `INSERT INTO refused_requests (id, source, received_at, code, method, url, headers, query, body, bytes)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`

/** Trims one source to its bounds: the newest rows within both the count and the byte total stay. */
export const TRIM_SOURCE = `
  DELETE FROM refused_requests WHERE id IN (
    SELECT id FROM (
      SELECT id,
        ROW_NUMBER() OVER (ORDER BY id DESC) AS n,
        SUM(bytes) OVER (ORDER BY id DESC ROWS UNBOUNDED PRECEDING) AS total
      FROM refused_requests WHERE source = $1
    ) ranked WHERE n > $2 OR total > $3
  )`

export const EXPIRE_REFUSED = 'DELETE FROM refused_requests WHERE received_at < $1'

/** One kept refusal, as refusedValues() orders its columns, and the bounds to trim its source to. */
export type RefusedKeep = (values: unknown[], bounds: RefusedBounds) => Promise<void>

/** The keep as one transaction: insert, trim the source, drop expired rows. */
export function keepBody(values: unknown[], bounds: RefusedBounds, dialect: Sql['dialect']): Body<void> {
  return function* () {
    yield* q.run(INSERT_REFUSED, values)
    // one trim at a time per source, so two keeps cannot both leave one row too many (SQLite has one writer)
    if (dialect === 'postgres')
      yield* q.run('SELECT pg_advisory_xact_lock(hashtext($1))', [`tagrelay.refused.${String(values[1])}`])
    yield* q.run(TRIM_SOURCE, [values[1], bounds.maxPerSource, bounds.maxBytesPerSource])
    yield* q.run(EXPIRE_REFUSED, [(values[2] as number) - bounds.maxAgeMs])
  }
}

/**
 * Requests refused for their signature or token, over either store. A keep goes to
 * `keep` when the store has a faster path (a SQLite file: its writer thread, see
 * sqlite/writer.ts), else it is one transaction here.
 */
export class RefusedSql implements RefusedRequestStore {
  constructor(
    private readonly sql: Sql,
    private readonly keepOn?: () => RefusedKeep | undefined,
  ) {}

  async keep(request: NewRefusedRequest, bounds: RefusedBounds): Promise<void> {
    const values = refusedValues(request)
    const elsewhere = this.keepOn?.()
    if (elsewhere) await elsewhere(values, bounds)
    else await this.sql.write(keepBody(values, bounds, this.sql.dialect))
  }

  /** the body's first bytes and its length, not the body */
  async list(f: RefusedFilter): Promise<RefusedSummary[]> {
    const rows = await this.sql.all<RefusedSummaryRow>(
      `SELECT id, source, received_at, code, headers, bytes, status, reverified_at, reverify_code, url,
         substr(body, 1, ${REFUSED_HEAD_BYTES}) AS body_head, length(body) AS body_bytes
       FROM refused_requests
       WHERE ($1::text IS NULL OR source = $1) AND ($2::text IS NULL OR code = $2)
         AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR id < $4)
       ORDER BY id DESC LIMIT $5`,
      [f.source ?? null, f.code ?? null, f.status ?? null, f.before ?? null, f.limit],
    )
    return rows.map(toRefusedSummary)
  }

  async get(id: string): Promise<RefusedRequest | undefined> {
    const row = await this.sql.get<RefusedRow>('SELECT * FROM refused_requests WHERE id = $1', [id])
    return row && toRefused(row)
  }

  async markReverified(id: string, at: number, outcome: { accepted: true } | { code: string }): Promise<void> {
    const accepted = 'accepted' in outcome
    await this.sql.run(
      'UPDATE refused_requests SET status = $1, reverified_at = $2, reverify_code = $3 WHERE id = $4',
      [accepted ? 'accepted' : 'refused', at, accepted ? null : outcome.code, id],
    )
  }

  async countSince(since: number): Promise<Array<{ source: string; count: number }>> {
    const rows = await this.sql.all<{ source: string; count: number }>(
      'SELECT source, count(*) AS count FROM refused_requests WHERE received_at > $1 GROUP BY source ORDER BY source',
      [since],
    )
    return rows.map((r) => ({ source: r.source, count: Number(r.count) }))
  }
}
