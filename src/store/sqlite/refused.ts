import type { Database, Statement } from 'better-sqlite3'
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

interface ListParams {
  source: string | null
  code: string | null
  status: string | null
  before: string | null
  limit: number
}

interface Statements {
  list: Statement<[ListParams], RefusedSummaryRow>
  get: Statement<[string], RefusedRow>
  mark: Statement<[string, number, string | null, string]>
  countSince: Statement<[number], { source: string; count: number }>
}

/** One kept refusal, as refusedValues() orders its columns, and the bounds to trim its source to. */
export type RefusedKeep = (values: unknown[], bounds: RefusedBounds) => void

/**
 * The keep transaction (insert, trim the source, drop expired rows) on `db`: the writer
 * thread's connection for a file, this thread's for `:memory:`. Why on the writer: a
 * refused body is up to a megabyte, and writing it synchronously on the event loop
 * (with an fsync) stalled every valid webhook behind a flood of refusals.
 */
export function prepareRefusedKeep(db: Database): RefusedKeep {
  const insert = db.prepare(REFUSED_INSERT_SQL(() => '?'))
  const trim = db.prepare<[string, number, number]>(TRIM_SOURCE_SQL(() => '?'))
  const expire = db.prepare<[number]>('DELETE FROM refused_requests WHERE received_at < ?')
  const keep = db.transaction((values: unknown[], bounds: RefusedBounds) => {
    // a body that crossed threads arrives as a Uint8Array; SQLite binds a Buffer as a BLOB
    const body = values[8] as Uint8Array
    values[8] = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    insert.run(...values)
    trim.run(values[1] as string, bounds.maxPerSource, bounds.maxBytesPerSource)
    expire.run((values[2] as number) - bounds.maxAgeMs)
  })
  // Why without its own fsync: nobody was told a refusal is stored, so losing the last
  // few to a power cut is harmless; the next accept's commit (synchronous=FULL) syncs
  // the WAL with them. A flood of kept refusals then costs the accepts queued behind
  // them on this connection a page write each, not an fsync each.
  const full = (db.pragma('synchronous', { simple: true }) as number) >= 2
  return (values, bounds) => {
    if (full) db.pragma('synchronous = NORMAL')
    try {
      keep.immediate(values, bounds)
    } finally {
      if (full) db.pragma('synchronous = FULL')
    }
  }
}

/**
 * Refused requests on SQLite. Statements are prepared on first use: the table exists
 * only once the store has migrated. A keep goes to `write` (the writer thread, see
 * writer.ts), never waited for on this thread; reads and re-verify marks stay here.
 */
export class SqliteRefusedStore implements RefusedRequestStore {
  readonly #db: () => Database
  readonly #write: () => (values: unknown[], bounds: RefusedBounds) => Promise<void>
  #q: Statements | undefined

  constructor(db: () => Database, write: () => (values: unknown[], bounds: RefusedBounds) => Promise<void>) {
    this.#db = db
    this.#write = write
  }

  get #stmts(): Statements {
    if (this.#q) return this.#q
    const db = this.#db()
    this.#q = {
      list: db.prepare(
        `SELECT ${REFUSED_SUMMARY_COLUMNS((n) => `substr(body, 1, ${n})`, 'length(body)')} FROM refused_requests
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
    await this.#write()(refusedValues(request), bounds)
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
