import type { Database } from 'better-sqlite3'
import { toAttempt, type AttemptRow } from '../../rows.js'
import type { EventFilter, EventStatus, EventSummary, LocationQueue, StoredAttempt } from '../../types.js'

interface SummaryRow {
  id: string
  source: string
  received_at: number
  tags: string
  status: EventStatus
  job_count: number
}

interface TrailAttemptRow extends AttemptRow {
  job_id: number
  attempt: number
}

interface QueueRow {
  location: string
  pending: number
  dead: number
  oldest: number | null
}

/**
 * The reads behind the admin views and the scrape-time metrics.
 *
 * Why keyset pagination on (received_at, id) rather than OFFSET: events keep arriving
 * while someone pages, and an offset would then repeat or skip rows; the keyset also
 * walks `events_received_at` instead of counting past every earlier row.
 * Why the status is derived in SQL: it lives in the jobs, and filtering on it after the
 * LIMIT would return short pages.
 */
export function prepareTrailQueries(db: Database) {
  const list = db.prepare<Record<string, string | number | null>, SummaryRow>(`
    SELECT * FROM (
      SELECT e.id, e.source, e.received_at, e.tags,
        (SELECT CASE WHEN count(*) = 0 THEN 'none'
                     WHEN sum(j.status = 'dead') > 0 THEN 'dead'
                     WHEN sum(j.status = 'pending') > 0 THEN 'pending'
                     ELSE 'done' END
           FROM jobs j WHERE j.event_id = e.id) AS status,
        (SELECT count(*) FROM jobs j WHERE j.event_id = e.id) AS job_count
      FROM events e
      WHERE (@source IS NULL OR e.source = @source)
        AND (@since IS NULL OR e.received_at >= @since)
        AND (@until IS NULL OR e.received_at < @until)
        AND (@after_at IS NULL OR e.received_at < @after_at OR (e.received_at = @after_at AND e.id < @after_id))
        AND (@contact IS NULL OR EXISTS (
              SELECT 1 FROM jobs j WHERE j.event_id = e.id
                AND (j.contact_id = @contact OR lower(j.contact_email) = lower(@contact) OR j.contact_phone = @contact)))
    ) WHERE (@status IS NULL OR status = @status)
    ORDER BY received_at DESC, id DESC
    LIMIT @limit`)
  const attempts = db.prepare<[string], TrailAttemptRow>(`
    SELECT a.job_id, a.attempt, a.started_at, a.finished_at, a.outcome, a.status_code, a.error, a.contact_id, a.response
    FROM attempts a JOIN jobs j ON j.id = a.job_id
    WHERE j.event_id = ?
    ORDER BY a.job_id, a.attempt`)
  const queue = db.prepare<[], QueueRow>(`
    SELECT location,
           sum(status = 'pending') AS pending,
           sum(status = 'dead') AS dead,
           min(CASE WHEN status = 'pending' THEN created_at END) AS oldest
    FROM jobs WHERE status IN ('pending', 'dead')
    GROUP BY location ORDER BY location`)

  return {
    listEvents(filter: EventFilter): EventSummary[] {
      const rows = list.all({
        source: filter.source ?? null,
        status: filter.status ?? null,
        contact: filter.contact ?? null,
        since: filter.since ?? null,
        until: filter.until ?? null,
        after_at: filter.after?.receivedAt ?? null,
        after_id: filter.after?.id ?? null,
        limit: Math.max(1, Math.floor(filter.limit)),
      })
      return rows.map((r) => ({
        id: r.id,
        source: r.source,
        receivedAt: r.received_at,
        tags: JSON.parse(r.tags) as string[],
        status: r.status,
        jobCount: r.job_count,
      }))
    },
    listAttempts(eventId: string): StoredAttempt[] {
      return attempts.all(eventId).map((r) => ({ jobId: r.job_id, attempt: r.attempt, ...toAttempt(r) }))
    },
    queueStats(): LocationQueue[] {
      return queue
        .all()
        .map((r) => ({ location: r.location, pending: r.pending, dead: r.dead, oldestPendingAt: r.oldest }))
    },
  }
}
