import type { Database } from 'better-sqlite3'
import type { JobStatus, NewJob } from '../../types.js'
import { toJson } from '../../rows.js'
import type { JobRow } from '../../rows.js'

interface Filter {
  event_id: string | null
  status: JobStatus | null
}

/**
 * Queries on `jobs` that are not part of the lease protocol.
 *
 * Why `(@x IS NULL OR col = @x)` filters instead of building SQL per filter: one
 * statement prepared once serves every combination; at admin-view volumes the planner
 * cost of the OR is nothing next to re-preparing.
 */
export function prepareJobQueries(db: Database) {
  const insert = db.prepare<JobInsertRow>(`
    INSERT INTO jobs (event_id, location, contact_id, contact_email, contact_phone, create_fields,
                      add_tags, remove_tags, rules, status, attempts, run_at, created_at, updated_at, trace_parent)
    VALUES (@event_id, @location, @contact_id, @contact_email, @contact_phone, @create_fields,
            @add_tags, @remove_tags, @rules, 'pending', 0, @run_at, @run_at, @run_at, @trace_parent)`)
  const select = db.prepare<Filter, JobRow>(`
    SELECT * FROM jobs
    WHERE (@event_id IS NULL OR event_id = @event_id)
      AND (@status IS NULL OR status = @status)
    ORDER BY id`)
  const count = db.prepare<Pick<Filter, 'status'>, { n: number }>(
    'SELECT count(*) AS n FROM jobs WHERE (@status IS NULL OR status = @status)',
  )

  return {
    /** `row` comes from `jobInsertRow`: a new job is due at once (`run_at` = arrival time). */
    insertJob(row: JobInsertRow): void {
      insert.run(row)
    },
    selectJobs(filter: { eventId?: string; status?: JobStatus } = {}): JobRow[] {
      return select.all({ event_id: filter.eventId ?? null, status: filter.status ?? null })
    },
    countJobs(status?: JobStatus): number {
      return count.get({ status: status ?? null })?.n ?? 0
    },
  }
}

/** The parameters of one job insert, JSON columns serialised (they cross to the writer thread). */
export type JobInsertRow = Record<'event_id' | 'location' | 'add_tags' | 'remove_tags' | 'rules', string> &
  Record<'contact_id' | 'contact_email' | 'contact_phone' | 'create_fields' | 'trace_parent', string | null> & {
    run_at: number
  }

export function jobInsertRow(eventId: string, job: NewJob, runAt: number): JobInsertRow {
  return {
    event_id: eventId,
    location: job.location,
    contact_id: job.contact.id ?? null,
    contact_email: job.contact.email ?? null,
    contact_phone: job.contact.phone ?? null,
    create_fields: job.create === undefined ? null : toJson(job.create),
    add_tags: toJson(job.add),
    remove_tags: toJson(job.remove),
    rules: toJson(job.rules),
    run_at: runAt,
    trace_parent: job.traceParent ?? null,
  }
}
