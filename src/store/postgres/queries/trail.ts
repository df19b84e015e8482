import type { EventFilter, EventStatus, EventSummary, LocationQueue, StoredAttempt } from '../../types.js'
import { contactOf, toAttempt, type AttemptRow } from '../../rows.js'
import type { Queryable } from '../pool.js'

/**
 * The reads behind the admin views and the scrape-time metrics, as in the SQLite store:
 * keyset pagination on (received_at, id), the status derived from the jobs in SQL so a
 * status filter never returns short pages.
 */
export async function listEvents(db: Queryable, filter: EventFilter): Promise<EventSummary[]> {
  const { rows } = await db.query<{
    id: string
    source: string
    received_at: number
    tags: string
    removed: string[]
    status: EventStatus
    job_count: number
    contact_id: string | null
    contact_email: string | null
    contact_phone: string | null
    location: string | null
  }>(
    `SELECT * FROM (
       SELECT e.id, e.source, e.received_at, e.tags, e.contact_id, e.contact_email, e.contact_phone,
         (SELECT min(j.location) FROM jobs j WHERE j.event_id = e.id) AS location,
         (SELECT CASE WHEN count(*) = 0 THEN 'none'
                      WHEN count(*) FILTER (WHERE j.status = 'dead') > 0 THEN 'dead'
                      WHEN count(*) FILTER (WHERE j.status = 'pending') > 0 THEN 'pending'
                      ELSE 'done' END
            FROM jobs j WHERE j.event_id = e.id) AS status,
         (SELECT count(*) FROM jobs j WHERE j.event_id = e.id) AS job_count,
         ARRAY(SELECT DISTINCT r FROM jobs j, jsonb_array_elements_text(j.remove_tags::jsonb) r
                 WHERE j.event_id = e.id) AS removed
       FROM events e
       WHERE ($1::text IS NULL OR e.source = $1)
         AND ($2::bigint IS NULL OR e.received_at >= $2)
         AND ($3::bigint IS NULL OR e.received_at < $3)
         AND ($4::bigint IS NULL OR e.received_at < $4 OR (e.received_at = $4 AND e.id < $5))
         AND ($6::text IS NULL OR e.contact_id = $6 OR e.contact_email = lower($6) OR e.contact_phone = $6 OR EXISTS (
               SELECT 1 FROM jobs j WHERE j.event_id = e.id
                 AND (j.contact_id = $6 OR j.resolved_contact_id = $6 OR lower(j.contact_email) = lower($6) OR j.contact_phone = $6)))
         AND ($9::text IS NULL OR EXISTS (SELECT 1 FROM jobs j WHERE j.event_id = e.id AND j.location = $9))
         AND ($10::text IS NULL OR e.tags::jsonb ? $10)
         AND ($13::text[] IS NULL OR EXISTS (SELECT 1 FROM jobs j WHERE j.event_id = e.id AND j.location = ANY($13))
              OR (NOT EXISTS (SELECT 1 FROM jobs j WHERE j.event_id = e.id) AND e.source = ANY($14)))
         AND ($11::text IS NULL OR (e."explain"::jsonb -> 'matched') ? $11
              OR EXISTS (SELECT 1 FROM jobs j WHERE j.event_id = e.id AND j.rules::jsonb ? $11))
         AND ($12::text IS NULL OR (NOT coalesce((e."explain"::jsonb -> 'matched') ? $12, false)
              AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.event_id = e.id AND j.rules::jsonb ? $12)))
     ) listed
     WHERE ($7::text IS NULL OR status = $7)
     ORDER BY received_at DESC, id DESC
     LIMIT $8`,
    [
      filter.source ?? null,
      filter.since ?? null,
      filter.until ?? null,
      filter.after?.receivedAt ?? null,
      filter.after?.id ?? null,
      filter.contact ?? null,
      filter.status ?? null,
      Math.max(1, Math.floor(filter.limit)),
      filter.location ?? null,
      filter.tag ?? null,
      filter.rule ?? null,
      filter.ruleMissed ?? null,
      filter.within ? [...filter.within.locations] : null,
      filter.within ? [...filter.within.sources] : null,
    ],
  )
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    receivedAt: r.received_at,
    tags: JSON.parse(r.tags) as string[],
    removed: r.removed,
    status: r.status,
    jobCount: Number(r.job_count),
    contact: contactOf(r),
    location: r.location,
  }))
}

export async function listAttempts(db: Queryable, eventId: string): Promise<StoredAttempt[]> {
  const { rows } = await db.query<AttemptRow & { job_id: number; attempt: number }>(
    `SELECT a.job_id, a.attempt, a.started_at, a.finished_at, a.outcome, a.status_code, a.error, a.contact_id, a.response, a.rate_limit
     FROM attempts a JOIN jobs j ON j.id = a.job_id
     WHERE j.event_id = $1
     ORDER BY a.job_id, a.attempt`,
    [eventId],
  )
  return rows.map((r) => ({ jobId: r.job_id, attempt: r.attempt, ...toAttempt(r) }))
}

export async function queueStats(db: Queryable): Promise<LocationQueue[]> {
  const { rows } = await db.query<{
    location: string
    pending: number
    dead: number
    oldest: number | null
    oldest_deliverable: number | null
    awaiting: number
  }>(
    `SELECT location,
            count(*) FILTER (WHERE status = 'pending') AS pending,
            count(*) FILTER (WHERE status = 'dead') AS dead,
            min(created_at) FILTER (WHERE status = 'pending') AS oldest,
            min(created_at) FILTER (WHERE status = 'pending' AND (last_error IS NULL OR last_error NOT LIKE 'TAGRELAY_CONTACT_NOT_FOUND%'))
              AS oldest_deliverable,
            count(*) FILTER (WHERE status = 'pending' AND last_error LIKE 'TAGRELAY_CONTACT_NOT_FOUND%') AS awaiting
     FROM jobs WHERE status IN ('pending', 'dead')
     GROUP BY location ORDER BY location`,
  )
  return rows.map((r) => ({
    location: r.location,
    pending: Number(r.pending),
    dead: Number(r.dead),
    oldestPendingAt: r.oldest,
    oldestDeliverableAt: r.oldest_deliverable,
    awaitingContact: Number(r.awaiting),
  }))
}
