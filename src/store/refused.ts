import type { NewRefusedRequest, RefusedBounds, RefusedFilter, RefusedRequest, RefusedSummary } from './ops/types.js'
import { fromRow, type Row } from './rows.js'
import { q, type Body, type Sql } from './sql.js'

/** How much of a body the list reads: enough for the contacts of any form, bounded however large the body. */
export const REFUSED_HEAD_BYTES = 16_384

/**
 * The columns of a new row, in insert order (the stores bind them positionally). `bytes`
 * is every byte the row holds, so the per-source byte cap bounds what is really stored.
 */
function refusedValues(r: NewRefusedRequest): unknown[] {
  const headers = JSON.stringify(r.headers)
  const query = JSON.stringify(r.query)
  const text = [r.id, r.source, r.code, r.method, r.url, headers, query].reduce((n, s) => n + Buffer.byteLength(s), 0)
  return [r.id, r.source, r.receivedAt, r.code, r.method, r.url, headers, query, r.body, r.body.length + text]
}

const contentTypeOf = (headers: Record<string, string | string[]>): string | null => {
  const type = headers['content-type']
  return (Array.isArray(type) ? type[0] : type) ?? null
}

/** The location segment of a hook URL (`/hooks/:source/:location`), as the webhook route reads it. */
function urlLocationOf(url: string): string | undefined {
  const parts = (url.split('?')[0] ?? '').split('/').filter((p) => p !== '')
  if (parts[0] !== 'hooks' || parts.length !== 3) return undefined
  try {
    return decodeURIComponent(parts[2]!)
  } catch {
    return parts[2]
  }
}

/** The columns a list reads: the body's first bytes and its length, not the body. */
const LISTED = `id, source, received_at, code, bytes, status, reverified_at, reverify_code, url, headers,
  substr(body, 1, ${REFUSED_HEAD_BYTES}) AS body_head, length(body) AS body_bytes`

type Listed = Omit<RefusedSummary, 'head' | 'urlLocation'> & {
  url: string
  headers: string
  bodyHead: Uint8Array
  bodyBytes: number
}

function toRefusedSummary(row: Row): RefusedSummary {
  const { url, headers, bodyHead, bodyBytes, ...columns } = fromRow<Listed>(row)
  const urlLocation = urlLocationOf(url)
  return {
    ...(urlLocation !== undefined ? { urlLocation } : {}),
    ...columns,
    head: {
      body: Buffer.from(bodyHead),
      complete: bodyBytes <= REFUSED_HEAD_BYTES,
      contentType: contentTypeOf(JSON.parse(headers) as Record<string, string | string[]>),
    },
  }
}

const INSERT_REFUSED = `INSERT INTO refused_requests (id, source, received_at, code, method, url, headers, query, body, bytes)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`

/** Trims one source to its bounds: the newest rows within both the count and the byte total stay. */
const TRIM_SOURCE = `
  DELETE FROM refused_requests WHERE id IN (
    SELECT id FROM (
      SELECT id,
        ROW_NUMBER() OVER (ORDER BY id DESC) AS n,
        SUM(bytes) OVER (ORDER BY id DESC ROWS UNBOUNDED PRECEDING) AS total
      FROM refused_requests WHERE source = $1
    ) ranked WHERE n > $2 OR total > $3
  )`

const EXPIRE_REFUSED = 'DELETE FROM refused_requests WHERE received_at < $1'

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
export class RefusedSql {
  constructor(
    private readonly sql: Sql,
    private readonly keepOn?: () => RefusedKeep | undefined,
  ) {}

  /** keeps one refused request, then trims its source to `bounds` (oldest first) and drops expired ones */
  async keep(request: NewRefusedRequest, bounds: RefusedBounds): Promise<void> {
    const values = refusedValues(request)
    const elsewhere = this.keepOn?.()
    if (elsewhere) await elsewhere(values, bounds)
    else await this.sql.write(keepBody(values, bounds, this.sql.dialect))
  }

  /** newest first, with filters and a keyset cursor: the body's first bytes and its length, not the body */
  async list(f: RefusedFilter): Promise<RefusedSummary[]> {
    const rows = await this.sql.all<Row>(
      `SELECT ${LISTED} FROM refused_requests
       WHERE ($1::text IS NULL OR source = $1) AND ($2::text IS NULL OR code = $2)
         AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR id < $4)
       ORDER BY id DESC LIMIT $5`,
      [f.source ?? null, f.code ?? null, f.status ?? null, f.before ?? null, f.limit],
    )
    return rows.map(toRefusedSummary)
  }

  async get(id: string): Promise<RefusedRequest | undefined> {
    const row = await this.sql.get<Row & { method: string; url: string; headers: string; query: string; body: Buffer }>(
      `SELECT ${LISTED}, method, query, body FROM refused_requests WHERE id = $1`,
      [id],
    )
    if (row === undefined) return undefined
    const { method, query, body, ...listed } = row
    return {
      ...toRefusedSummary(listed),
      method,
      url: row.url,
      headers: JSON.parse(row.headers) as Record<string, string | string[]>,
      query: JSON.parse(query) as Record<string, unknown>,
      body: Buffer.from(body),
    }
  }

  /** records a re-verify: accepted (the event now exists under the same id) or still refused with `code` */
  async markReverified(id: string, at: number, outcome: { accepted: true } | { code: string }): Promise<void> {
    const accepted = 'accepted' in outcome
    await this.sql.run(
      'UPDATE refused_requests SET status = $1, reverified_at = $2, reverify_code = $3 WHERE id = $4',
      [accepted ? 'accepted' : 'refused', at, accepted ? null : outcome.code, id],
    )
  }

  /** refusals kept per source since `since` (epoch ms), for the refusals alert (every replica's) */
  async countSince(since: number): Promise<Array<{ source: string; count: number }>> {
    return this.sql.all<{ source: string; count: number }>(
      'SELECT source, count(*) AS count FROM refused_requests WHERE received_at > $1 GROUP BY source ORDER BY source',
      [since],
    )
  }
}
