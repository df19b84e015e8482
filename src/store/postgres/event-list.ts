import type { EventFilter, EventSummary } from '../types.js'
import { toEventSummary, type EventSummaryRow } from '../rows.js'
import type pg from 'pg'

/**
 * The event list on PostgreSQL (its filters read the JSON columns as jsonb), as in the SQLite store:
 * keyset pagination on (received_at, id), the status derived from the jobs in SQL so a
 * status filter never returns short pages.
 */
export async function listEvents(db: pg.Pool, filter: EventFilter): Promise<EventSummary[]> {
  const { rows } = await db.query<EventSummaryRow>(
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
  return rows.map(toEventSummary)
}
