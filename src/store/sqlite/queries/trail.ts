import type { Database } from 'better-sqlite3'
import { toAttempt, type AttemptRow } from '../../rows.js'
import type { LocationQueue, StoredAttempt } from '../../types.js'
import { prepareEventList } from './event-list.js'

interface TrailAttemptRow extends AttemptRow {
  job_id: number
  attempt: number
}

interface QueueRow {
  location: string
  pending: number
  dead: number
  oldest: number | null
  oldest_deliverable: number | null
  awaiting: number
}

/** The reads behind the admin views and the scrape-time metrics. */
export function prepareTrailQueries(db: Database) {
  const listEvents = prepareEventList(db)
  const attempts = db.prepare<[string], TrailAttemptRow>(`
    SELECT a.job_id, a.attempt, a.started_at, a.finished_at, a.outcome, a.status_code, a.error, a.contact_id, a.response, a.rate_limit
    FROM attempts a JOIN jobs j ON j.id = a.job_id
    WHERE j.event_id = ?
    ORDER BY a.job_id, a.attempt`)
  const queue = db.prepare<[], QueueRow>(`
    SELECT location,
           sum(status = 'pending') AS pending,
           sum(status = 'dead') AS dead,
           min(CASE WHEN status = 'pending' THEN created_at END) AS oldest,
           min(CASE WHEN status = 'pending' AND (last_error IS NULL OR last_error NOT LIKE 'TAGRELAY_CONTACT_NOT_FOUND%')
               THEN created_at END) AS oldest_deliverable,
           coalesce(sum(status = 'pending' AND last_error LIKE 'TAGRELAY_CONTACT_NOT_FOUND%'), 0) AS awaiting
    FROM jobs WHERE status IN ('pending', 'dead')
    GROUP BY location ORDER BY location`)

  return {
    listEvents,
    listAttempts(eventId: string): StoredAttempt[] {
      return attempts.all(eventId).map((r) => ({ jobId: r.job_id, attempt: r.attempt, ...toAttempt(r) }))
    },
    queueStats(): LocationQueue[] {
      return queue.all().map((r) => ({
        location: r.location,
        pending: r.pending,
        dead: r.dead,
        oldestPendingAt: r.oldest,
        oldestDeliverableAt: r.oldest_deliverable,
        awaitingContact: r.awaiting,
      }))
    },
  }
}
