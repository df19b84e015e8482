import type { AttemptRecord, JobReplan } from '../../types.js'
import { toAttempt, toJson, type AttemptRow, type JobRow } from '../../rows.js'
import type { Queryable } from '../pool.js'

/**
 * Dead letters are jobs with status 'dead', as in the SQLite store. Replay makes the job
 * due now and restarts its age; `attempts` keeps counting (attempt rows are numbered by it).
 */
export async function listDead(
  db: Queryable,
  after: number,
  limit: number,
  location: string | null,
  locations?: readonly string[],
): Promise<JobRow[]> {
  const { rows } = await db.query<JobRow>(
    `SELECT * FROM jobs WHERE status = 'dead' AND id > $1 AND ($3::text IS NULL OR location = $3)
       AND ($4::text[] IS NULL OR location = ANY($4)) ORDER BY id LIMIT $2`,
    [after, limit, location, locations ? [...locations] : null],
  )
  return rows
}

export async function selectDead(db: Queryable, id: number): Promise<JobRow | undefined> {
  const { rows } = await db.query<JobRow>(`SELECT * FROM jobs WHERE id = $1 AND status = 'dead'`, [id])
  return rows[0]
}

export async function selectAttempts(db: Queryable, jobId: number): Promise<AttemptRecord[]> {
  const { rows } = await db.query<AttemptRow>(
    'SELECT started_at, finished_at, outcome, status_code, error, contact_id, response, rate_limit FROM attempts WHERE job_id = $1 ORDER BY attempt',
    [jobId],
  )
  return rows.map(toAttempt)
}

export async function replay(db: Queryable, ids: number[] | 'all', now: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE jobs SET status = 'pending', run_at = $1, lease_owner = NULL, lease_until = NULL, updated_at = $1, created_at = $1
     WHERE status = 'dead' AND ($2::bigint[] IS NULL OR id = ANY ($2::bigint[]))
     RETURNING id`,
    [now, ids === 'all' ? null : ids],
  )
  return rows.map((r) => r.id).sort((a, b) => a - b)
}

/** New create fields for dead or pending jobs not leased now, due at `now` with their age restarted (one statement). */
export async function replan(db: Queryable, items: JobReplan[], now: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE jobs j SET create_fields = r.create_fields, status = 'pending', run_at = $1, lease_owner = NULL,
       lease_until = NULL, updated_at = $1, created_at = $1
     FROM unnest($2::bigint[], $3::text[]) AS r(id, create_fields)
     WHERE j.id = r.id AND (j.status = 'dead' OR (j.status = 'pending' AND (j.lease_until IS NULL OR j.lease_until <= $1)))
     RETURNING j.id`,
    [now, items.map((r) => r.id), items.map((r) => (r.create === null ? null : toJson(r.create)))],
  )
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b)
}

/** Deletes dead jobs; their attempts go with them (ON DELETE CASCADE); the event stays. */
export async function discard(db: Queryable, ids: number[]): Promise<number> {
  const res = await db.query(`DELETE FROM jobs WHERE status = 'dead' AND id = ANY ($1::bigint[])`, [ids])
  return res.rowCount ?? 0
}
