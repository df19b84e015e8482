import type { Database, Statement } from 'better-sqlite3'
import type { RefusedRequestStore } from '../ops/roles.js'
import {
  REFUSED_SUMMARY_COLUMNS,
  refusedValues,
  toRefused,
  toRefusedSummary,
  TRIM_SOURCE_SQL,
  type RefusedRow,
  type RefusedSummaryRow,
} from '../ops/rows.js'
import type { NewRefusedRequest, RefusedBounds, RefusedFilter, RefusedRequest, RefusedSummary } from '../ops/types.js'

interface ListParams {
  source: string | null
  code: string | null
  status: string | null
  before: string | null
  limit: number
}

interface Statements {
  insert: Statement<unknown[]>
  trim: Statement<[string, number, number]>
  expire: Statement<[number]>
  list: Statement<[ListParams], RefusedSummaryRow>
  get: Statement<[string], RefusedRow>
  mark: Statement<[string, number, string | null, string]>
  countSince: Statement<[number], { source: string; count: number }>
}

/**
 * Refused requests on SQLite. Statements are prepared on first use: the table exists
 * only once the store has migrated. A keep is one transaction: insert, trim, expire.
 */
export class SqliteRefusedStore implements RefusedRequestStore {
  readonly #db: () => Database
  #q: Statements | undefined

  constructor(db: () => Database) {
    this.#db = db
  }

  get #stmts(): Statements {
    if (this.#q) return this.#q
    const db = this.#db()
    this.#q = {
      insert: db.prepare(
        `INSERT INTO refused_requests (id, source, received_at, code, method, url, headers, query, body, bytes, contacts)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ),
      trim: db.prepare(TRIM_SOURCE_SQL(() => '?')),
      expire: db.prepare('DELETE FROM refused_requests WHERE received_at < ?'),
      list: db.prepare(
        `SELECT ${REFUSED_SUMMARY_COLUMNS} FROM refused_requests
         WHERE (@source IS NULL OR source = @source) AND (@code IS NULL OR code = @code)
           AND (@status IS NULL OR status = @status) AND (@before IS NULL OR id < @before)
         ORDER BY id DESC LIMIT @limit`,
      ),
      get: db.prepare('SELECT * FROM refused_requests WHERE id = ?'),
      mark: db.prepare('UPDATE refused_requests SET status = ?, reverified_at = ?, reverify_code = ? WHERE id = ?'),
      countSince: db.prepare(
        'SELECT source, count(*) AS count FROM refused_requests WHERE received_at > ? GROUP BY source ORDER BY source',
      ),
    }
    return this.#q
  }

  async keep(request: NewRefusedRequest, bounds: RefusedBounds): Promise<void> {
    const q = this.#stmts
    this.#db()
      .transaction(() => {
        q.insert.run(...refusedValues(request))
        q.trim.run(request.source, bounds.maxPerSource, bounds.maxBytesPerSource)
        q.expire.run(request.receivedAt - bounds.maxAgeMs)
      })
      .immediate()
  }

  async list(filter: RefusedFilter): Promise<RefusedSummary[]> {
    const f = filter
    const params = {
      source: f.source ?? null,
      code: f.code ?? null,
      status: f.status ?? null,
      before: f.before ?? null,
    }
    return this.#stmts.list.all({ ...params, limit: f.limit }).map(toRefusedSummary)
  }

  async get(id: string): Promise<RefusedRequest | undefined> {
    const row = this.#stmts.get.get(id)
    return row && toRefused(row)
  }

  async markReverified(id: string, at: number, outcome: { accepted: true } | { code: string }): Promise<void> {
    const accepted = 'accepted' in outcome
    this.#stmts.mark.run(accepted ? 'accepted' : 'refused', at, accepted ? null : outcome.code, id)
  }

  async countSince(since: number): Promise<Array<{ source: string; count: number }>> {
    return this.#stmts.countSince.all(since)
  }
}
