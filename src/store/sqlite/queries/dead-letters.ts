import type { Database } from 'better-sqlite3'
import type { AttemptRecord, JobReplan } from '../../types.js'
import { toAttempt, toJson, type AttemptRow, type JobRow } from '../../rows.js'

/**
 * Dead letters are jobs with status 'dead'; their attempts keep HighLevel's answers.
 * Replay makes the job due now and restarts its age (`created_at`), so an age-expired
 * job gets the retry window again; `attempts` keeps counting (the attempts rows are
 * numbered by it and the trail keeps the earlier failures), so a job that used all its
 * attempts gets one more try on replay.
 */
export function prepareDeadLetterQueries(db: Database) {
  type ListParams = { after: number; limit: number; location: string | null; locations: string | null }
  const list = db.prepare<ListParams, JobRow>(`
    SELECT * FROM jobs WHERE status = 'dead' AND id > @after
      AND (@location IS NULL OR location = @location)
      AND (@locations IS NULL OR location IN (SELECT value FROM json_each(@locations)))
    ORDER BY id LIMIT @limit`)
  const one = db.prepare<[number], JobRow>(`SELECT * FROM jobs WHERE id = ? AND status = 'dead'`)
  const attempts = db.prepare<[number], AttemptRow>(`
    SELECT started_at, finished_at, outcome, status_code, error, contact_id, response, rate_limit
    FROM attempts WHERE job_id = ? ORDER BY attempt`)
  const replayOne = db.prepare<{ id: number; now: number }, { id: number }>(`
    UPDATE jobs SET status = 'pending', run_at = @now, lease_owner = NULL,
      lease_until = NULL, updated_at = @now, created_at = @now
    WHERE id = @id AND status = 'dead' RETURNING id`)
  const replayAll = db.prepare<{ now: number }, { id: number }>(`
    UPDATE jobs SET status = 'pending', run_at = @now, lease_owner = NULL,
      lease_until = NULL, updated_at = @now, created_at = @now
    WHERE status = 'dead' RETURNING id`)
  // a job leased now is left alone: its worker holds it (it is replanned once handed back)
  const replanOne = db.prepare<{ id: number; now: number; create: string | null }, { id: number }>(`
    UPDATE jobs SET create_fields = @create, status = 'pending', run_at = @now, lease_owner = NULL,
      lease_until = NULL, updated_at = @now, created_at = @now
    WHERE id = @id AND (status = 'dead' OR (status = 'pending' AND (lease_until IS NULL OR lease_until <= @now)))
    RETURNING id`)
  const deleteAttempts = db.prepare<[number, number]>(
    `DELETE FROM attempts WHERE job_id = ? AND EXISTS (SELECT 1 FROM jobs WHERE id = ? AND status = 'dead')`,
  )
  const deleteJob = db.prepare<[number]>(`DELETE FROM jobs WHERE id = ? AND status = 'dead'`)

  return {
    listDead(after: number, limit: number, location: string | null, locations?: readonly string[]): JobRow[] {
      return list.all({ after, limit, location, locations: locations ? JSON.stringify(locations) : null })
    },
    selectDead(id: number): JobRow | undefined {
      return one.get(id)
    },
    selectAttempts(jobId: number): AttemptRecord[] {
      return attempts.all(jobId).map(toAttempt)
    },
    replay(ids: number[] | 'all', now: number): number[] {
      if (ids === 'all') return replayAll.all({ now }).map((r) => r.id)
      return ids.flatMap((id) => replayOne.all({ id, now }).map((r) => r.id))
    },
    replan(items: JobReplan[], now: number): number[] {
      return items.flatMap((r) =>
        replanOne.all({ id: r.id, now, create: r.create === null ? null : toJson(r.create) }).map((x) => x.id),
      )
    },
    discard(ids: number[]): number {
      let n = 0
      for (const id of ids) {
        deleteAttempts.run(id, id)
        n += deleteJob.run(id).changes
      }
      return n
    },
  }
}
