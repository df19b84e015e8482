import type { Database, Statement } from 'better-sqlite3'
import type { EventFilter, EventSummary } from '../types.js'
import { toEventSummary, type EventSummaryRow as SummaryRow } from '../rows.js'

type Params = Record<string, string | number>

/**
 * `listEvents` as one statement per combination of filters, so each plan uses the index
 * that fits (prepared once per combination, at most 2^8 of them).
 *
 * Why keyset pagination on (received_at, id) rather than OFFSET: events keep arriving
 * while someone pages, and an offset would then repeat or skip rows; the keyset walks
 * `events_received_at` instead of counting past every earlier row.
 * Why a contact filter starts from the indexes: a contact has few events among millions;
 * the jobs' contact indexes (migration 40) and the events' own contact (migration 41, for
 * events no rule matched) find them without walking every event; the CROSS JOIN keeps
 * SQLite from turning the loops around.
 * Why the status is derived in SQL: it lives in the jobs, and filtering on it after the
 * LIMIT would return short pages.
 */
export function prepareEventList(db: Database) {
  const cache = new Map<string, Statement<Params, SummaryRow>>()

  function statement(filter: EventFilter): Statement<Params, SummaryRow> {
    const where: string[] = []
    if (filter.source !== undefined) where.push('e.source = @source')
    if (filter.since !== undefined) where.push('e.received_at >= @since')
    if (filter.until !== undefined) where.push('e.received_at < @until')
    if (filter.after) where.push('(e.received_at < @after_at OR (e.received_at = @after_at AND e.id < @after_id))')
    if (filter.location !== undefined)
      // a scalar subquery per event, newest first: as an EXISTS the planner may turn it
      // into a join driven by the location's jobs (a third of them) and sort them all
      where.push(
        '(SELECT 1 FROM jobs j INDEXED BY jobs_event WHERE j.event_id = e.id AND j.location = @location LIMIT 1) IS NOT NULL',
      )
    if (filter.within !== undefined)
      where.push(`((SELECT 1 FROM jobs j INDEXED BY jobs_event WHERE j.event_id = e.id
          AND j.location IN (SELECT value FROM json_each(@within_locations)) LIMIT 1) IS NOT NULL
        OR ((SELECT 1 FROM jobs j INDEXED BY jobs_event WHERE j.event_id = e.id LIMIT 1) IS NULL
          AND e.source IN (SELECT value FROM json_each(@within_sources))))`)
    if (filter.tag !== undefined) where.push('EXISTS (SELECT 1 FROM json_each(e.tags) t WHERE t.value = @tag)')
    if (filter.ruleMissed !== undefined)
      where.push(`NOT EXISTS (SELECT 1 FROM json_each(e."explain", '$.matched') r WHERE r.value = @rule_missed)
        AND NOT EXISTS (SELECT 1 FROM jobs j, json_each(j.rules) r WHERE j.event_id = e.id AND r.value = @rule_missed)`)
    if (filter.rule !== undefined)
      where.push(`(EXISTS (SELECT 1 FROM json_each(e."explain", '$.matched') r WHERE r.value = @rule)
        OR EXISTS (SELECT 1 FROM jobs j, json_each(j.rules) r WHERE j.event_id = e.id AND r.value = @rule))`)
    const from =
      filter.contact === undefined
        ? 'events e'
        : `(SELECT event_id FROM jobs WHERE contact_id = @contact
            UNION SELECT event_id FROM jobs WHERE resolved_contact_id = @contact
            UNION SELECT event_id FROM jobs WHERE lower(contact_email) = lower(@contact) AND contact_email IS NOT NULL
            UNION SELECT event_id FROM jobs WHERE contact_phone = @contact
            UNION SELECT id FROM events WHERE contact_id = @contact
            UNION SELECT id FROM events WHERE contact_email = lower(@contact)
            UNION SELECT id FROM events WHERE contact_phone = @contact) m
           CROSS JOIN events e ON e.id = m.event_id`
    const key = `${from === 'events e' ? '' : 'c'}|${where.join('|')}|${filter.status ?? ''}`
    let stmt = cache.get(key)
    if (!stmt) {
      stmt = db.prepare<Params, SummaryRow>(`
        SELECT * FROM (
          SELECT e.id, e.source, e.received_at, e.tags, e.contact_id, e.contact_email, e.contact_phone,
            (SELECT min(j.location) FROM jobs j WHERE j.event_id = e.id) AS location,
            (SELECT CASE WHEN count(*) = 0 THEN 'none'
                         WHEN sum(j.status = 'dead') > 0 THEN 'dead'
                         WHEN sum(j.status = 'pending') > 0 THEN 'pending'
                         ELSE 'done' END
               FROM jobs j WHERE j.event_id = e.id) AS status,
            (SELECT count(*) FROM jobs j WHERE j.event_id = e.id) AS job_count,
            (SELECT json_group_array(DISTINCT r.value) FROM jobs j, json_each(j.remove_tags) r
               WHERE j.event_id = e.id) AS removed
          FROM ${from}
          ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ) ${filter.status !== undefined ? 'WHERE status = @status' : ''}
        ORDER BY received_at DESC, id DESC
        LIMIT @limit`)
      cache.set(key, stmt)
    }
    return stmt
  }

  return function listEvents(filter: EventFilter): EventSummary[] {
    const params: Params = { limit: Math.max(1, Math.floor(filter.limit)) }
    for (const k of ['source', 'since', 'until', 'location', 'tag', 'rule', 'contact', 'status'] as const) {
      const v = filter[k]
      if (v !== undefined) params[k] = v
    }
    if (filter.ruleMissed !== undefined) params.rule_missed = filter.ruleMissed
    if (filter.within !== undefined)
      Object.assign(params, {
        within_locations: JSON.stringify(filter.within.locations),
        within_sources: JSON.stringify(filter.within.sources),
      })
    if (filter.after) Object.assign(params, { after_at: filter.after.receivedAt, after_id: filter.after.id })
    return statement(filter).all(params).map(toEventSummary)
  }
}
