import type { Database } from 'better-sqlite3'
import type { AttemptRecord, JobStatus } from '../../types.js'
import { toJson } from '../../rows.js'

interface FinishParams {
  id: number
  owner: string
  status: JobStatus
  run_at: number | null
  last_error: string | null
  contact_id: string | null
  now: number
}

/**
 * Ending an attempt: update the job, then record the attempt.
 *
 * Why the job update is guarded by `lease_owner = @owner AND status = 'pending'`: a
 * worker that stalled past its lease may finish after another worker re-claimed the job.
 * The guard turns its late write into a no-op (zero rows) instead of a second outcome.
 * `RETURNING attempts` hands back the new attempt number for the attempts row without a
 * second read.
 */
export function prepareFinishQueries(db: Database) {
  const finish = db.prepare<FinishParams, { attempts: number }>(`
    UPDATE jobs SET
      status      = @status,
      run_at      = coalesce(@run_at, run_at),
      attempts    = attempts + 1,
      last_error  = @last_error,
      resolved_contact_id = coalesce(@contact_id, resolved_contact_id),
      lease_owner = NULL,
      lease_until = NULL,
      in_doubt    = 0,
      updated_at  = @now
    WHERE id = @id AND lease_owner = @owner AND status = 'pending'
    RETURNING attempts`)
  const insertAttempt = db.prepare<Record<string, string | number | null>>(`
    INSERT INTO attempts (job_id, attempt, started_at, finished_at, outcome, status_code,
                          error, contact_id, response, rate_limit)
    VALUES (@job_id, @attempt, @started_at, @finished_at, @outcome, @status_code,
            @error, @contact_id, @response, @rate_limit)`)

  return {
    /** The job's new attempt count, or undefined if `owner` no longer holds the lease. */
    finishJob(params: FinishParams): number | undefined {
      return finish.get(params)?.attempts
    },
    insertAttempt(jobId: number, attempt: number, record: AttemptRecord): void {
      insertAttempt.run({
        job_id: jobId,
        attempt,
        started_at: record.startedAt,
        finished_at: record.finishedAt,
        outcome: record.outcome,
        status_code: record.statusCode ?? null,
        error: record.error ?? null,
        contact_id: record.contactId ?? null,
        response: record.response === undefined ? null : toJson(record.response),
        rate_limit: record.rateLimit ? toJson(record.rateLimit) : null,
      })
    },
  }
}
