import { toAttempt, toJob, toJson, type Row } from './rows.js'
import { q, SqlRole } from './sql.js'
import type { DeadLetter, DeadLetterFilter, Job, JobReplan } from './types.js'

/** due now with its age restarted, lease dropped: what a replay and a replan do to a job */
const AGAIN = `status = 'pending', run_at = $1, lease_owner = NULL, lease_until = NULL, updated_at = $1, created_at = $1`

/** dead, or pending and not leased now (a leased job's worker holds it; it is replanned once handed back) */
const REPLANNABLE = `(j.status = 'dead' OR (j.status = 'pending' AND (j.lease_until IS NULL OR j.lease_until <= $1)))`

/**
 * Dead letters over either store: jobs with status 'dead', their attempts keeping
 * HighLevel's answers. A replay makes the job due now and restarts its age (`created_at`),
 * so an age-expired job gets the retry window again; `attempts` keeps counting (the
 * attempt rows are numbered by it), so a job that used all its attempts gets one more.
 */
export class DeadLettersSql extends SqlRole {
  /** dead jobs, oldest first */
  async list(filter: DeadLetterFilter = {}): Promise<Job[]> {
    const limit = Math.max(1, Math.min(1000, Math.floor(filter.limit ?? 100)))
    const rows = await this.sql.all<Row>(
      `SELECT * FROM jobs WHERE status = 'dead' AND id > $1 AND ($3::text IS NULL OR location = $3)
         AND ($4::text[] IS NULL OR location = ANY ($4::text[])) ORDER BY id LIMIT $2`,
      [filter.afterId ?? 0, limit, filter.location ?? null, filter.locations ? [...filter.locations] : null],
    )
    return rows.map(toJob)
  }

  /** one dead job with its attempts; undefined when `id` is not a dead letter */
  async get(id: number): Promise<DeadLetter | undefined> {
    return this.sql.read(function* () {
      const row = yield* q.get<Row>(`SELECT * FROM jobs WHERE id = $1 AND status = 'dead'`, [id])
      if (row === undefined) return undefined
      const attempts = yield* q.all<Row>(
        `SELECT started_at, finished_at, outcome, status_code, error, contact_id, response, rate_limit
         FROM attempts WHERE job_id = $1 ORDER BY attempt`,
        [id],
      )
      return { job: toJob(row), attempts: attempts.map((a) => toAttempt(a)) }
    })
  }

  /** dead jobs back to pending, due at `now`, age restarted (attempts keep counting); 'all' replays every one. Returns the ids replayed */
  async replay(ids: number[] | 'all', now: number): Promise<number[]> {
    if (ids !== 'all' && ids.length === 0) return []
    const rows = await this.sql.write(function* () {
      return yield* q.all<{ id: number }>(
        `UPDATE jobs SET ${AGAIN} WHERE status = 'dead' AND ($2::bigint[] IS NULL OR id = ANY ($2::bigint[])) RETURNING id`,
        [now, ids === 'all' ? null : ids],
      )
    })
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b)
  }

  /**
   * Sets the create fields of dead or pending jobs (not those leased now) and makes them
   * due at `now` with their age restarted, as a replay does. Returns the ids changed.
   */
  async replan(items: JobReplan[], now: number): Promise<number[]> {
    if (items.length === 0) return []
    const creates = items.map((r) => (r.create === null ? null : toJson(r.create)))
    const postgres = this.sql.dialect === 'postgres'
    const ids = await this.sql.write(function* () {
      // PostgreSQL: one statement for all (a replay may replan thousands); SQLite: one per job, no round trip
      if (postgres) {
        const rows = yield* q.all<{ id: number }>(
          `UPDATE jobs j SET create_fields = r.create_fields, ${AGAIN}
           FROM unnest($2::bigint[], $3::text[]) AS r(id, create_fields) WHERE j.id = r.id AND ${REPLANNABLE} RETURNING j.id`,
          [now, items.map((r) => r.id), creates],
        )
        return rows.map((r) => Number(r.id))
      }
      const changed: number[] = []
      for (const [i, r] of items.entries()) {
        const row = yield* q.get<{ id: number }>(
          `UPDATE jobs AS j SET create_fields = $3, ${AGAIN} WHERE j.id = $2 AND ${REPLANNABLE} RETURNING id`,
          [now, r.id, creates[i]],
        )
        if (row) changed.push(Number(row.id))
      }
      return changed
    })
    return ids.sort((a, b) => a - b)
  }

  /** deletes dead jobs, returning how many; their attempts go with them (ON DELETE CASCADE), the event stays */
  async discard(ids: number[]): Promise<number> {
    if (ids.length === 0) return 0
    return this.sql.write(function* () {
      return yield* q.run(`DELETE FROM jobs WHERE status = 'dead' AND id = ANY ($1::bigint[])`, [ids])
    })
  }
}
