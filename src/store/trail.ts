import { fromRow, toAttempt, toEvent, toEventSummary, toJob, toJson, type Row } from './rows.js'
import { INSERT_JOB, jobValues } from './inserts.js'
import { q, SqlRole } from './sql.js'
import type { EventFilter, EventRecord, EventSummary, NewJob, RerunRecord, StoredAttempt } from './types.js'

const JOBS_OF_EVENT = 'SELECT * FROM jobs WHERE event_id = $1 ORDER BY id'

/** What the admin API and the console read, over either store. */
export class TrailSql extends SqlRole {
  /**
   * Events newest first, with filters and a keyset cursor, over either store: one statement
   * per combination of filters, so each plan uses the index that fits (the SQLite driver
   * prepares each text once: at most 2^8 of them). What the two spell apart is only how a
   * JSON column is read (`inJson`, `removed`).
   *
   * Why keyset pagination on (received_at, id) rather than OFFSET: events keep arriving
   * while someone pages, and an offset would then repeat or skip rows; the keyset walks
   * `events_received_at` instead of counting past every earlier row.
   * Why a contact filter starts from the indexes: a contact has few events among millions;
   * the jobs' contact indexes (migration 40) and the events' own contact (migration 41, for
   * events no rule matched) find them without walking every event; SQLite's CROSS JOIN
   * keeps it from turning the loops around.
   * Why the status is derived in SQL: it lives in the jobs, and filtering on it after the
   * LIMIT would return short pages.
   */
  async listEvents(filter: EventFilter): Promise<EventSummary[]> {
    const pg = this.sql.dialect === 'postgres'
    const params: unknown[] = []
    const p = (value: unknown): string => `$${params.push(value)}`
    /** `value` is an element of the JSON array text `array` (of its `key` when given) */
    const inJson = (array: string, value: string, key?: string): string =>
      pg
        ? `coalesce(${array}::jsonb${key ? ` -> '${key}'` : ''} ? ${value}, false)`
        : `EXISTS (SELECT 1 FROM json_each(${array}${key ? `, '$.${key}'` : ''}) x WHERE x.value = ${value})`
    // a scalar subquery per event, newest first: as an EXISTS the planner may turn it
    // into a join driven by the location's jobs (a third of them) and sort them all
    const aJob = (where: string): string =>
      `(SELECT 1 FROM jobs j INDEXED BY jobs_event WHERE j.event_id = e.id${where} LIMIT 1)`
    const ruleMatched = (rule: string): string =>
      `(${inJson('e."explain"', rule, 'matched')}
      OR EXISTS (SELECT 1 FROM jobs j WHERE j.event_id = e.id AND ${inJson('j.rules', rule)}))`

    const where: string[] = []
    if (filter.source !== undefined) where.push(`e.source = ${p(filter.source)}`)
    if (filter.since !== undefined) where.push(`e.received_at >= ${p(filter.since)}`)
    if (filter.until !== undefined) where.push(`e.received_at < ${p(filter.until)}`)
    if (filter.after) {
      const [at, id] = [p(filter.after.receivedAt), p(filter.after.id)]
      where.push(`(e.received_at < ${at} OR (e.received_at = ${at} AND e.id < ${id}))`)
    }
    if (filter.location !== undefined) where.push(`${aJob(` AND j.location = ${p(filter.location)}`)} IS NOT NULL`)
    if (filter.within !== undefined)
      where.push(`(${aJob(` AND j.location = ANY (${p([...filter.within.locations])}::text[])`)} IS NOT NULL
        OR (${aJob('')} IS NULL AND e.source = ANY (${p([...filter.within.sources])}::text[])))`)
    if (filter.tag !== undefined) where.push(inJson('e.tags', p(filter.tag)))
    if (filter.ruleMissed !== undefined) where.push(`NOT ${ruleMatched(p(filter.ruleMissed))}`)
    if (filter.rule !== undefined) where.push(ruleMatched(p(filter.rule)))
    let from = 'events e'
    if (filter.contact !== undefined) {
      const c = p(filter.contact)
      from = `(SELECT event_id FROM jobs WHERE contact_id = ${c}
        UNION SELECT event_id FROM jobs WHERE resolved_contact_id = ${c}
        UNION SELECT event_id FROM jobs WHERE lower(contact_email) = lower(${c}) AND contact_email IS NOT NULL
        UNION SELECT event_id FROM jobs WHERE contact_phone = ${c}
        UNION SELECT id FROM events WHERE contact_id = ${c}
        UNION SELECT id FROM events WHERE contact_email = lower(${c})
        UNION SELECT id FROM events WHERE contact_phone = ${c}) m
      ${pg ? 'JOIN' : 'CROSS JOIN'} events e ON e.id = m.event_id`
    }
    const removed = pg
      ? 'ARRAY(SELECT DISTINCT r FROM jobs j, jsonb_array_elements_text(j.remove_tags::jsonb) r WHERE j.event_id = e.id)'
      : '(SELECT json_group_array(DISTINCT r.value) FROM jobs j, json_each(j.remove_tags) r WHERE j.event_id = e.id)'
    const rows = await this.sql.all<Row>(
      `SELECT * FROM (
       SELECT e.id, e.source, e.received_at, e.tags, e.contact_id, e.contact_email, e.contact_phone,
         (SELECT min(j.location) FROM jobs j WHERE j.event_id = e.id) AS location,
         (SELECT CASE WHEN count(*) = 0 THEN 'none'
                      WHEN count(*) FILTER (WHERE j.status = 'dead') > 0 THEN 'dead'
                      WHEN count(*) FILTER (WHERE j.status = 'pending') > 0 THEN 'pending'
                      ELSE 'done' END
            FROM jobs j WHERE j.event_id = e.id) AS status,
         (SELECT count(*) FROM jobs j WHERE j.event_id = e.id) AS job_count,
         ${removed} AS removed
       FROM ${from}
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ) listed ${filter.status !== undefined ? `WHERE status = ${p(filter.status)}` : ''}
     ORDER BY received_at DESC, id DESC
     LIMIT ${p(Math.max(1, Math.floor(filter.limit)))}`,
      params,
    )
    return rows.map(toEventSummary)
  }

  /** the event and its jobs from one snapshot */
  async getEvent(id: string): Promise<EventRecord | undefined> {
    return this.sql.read(function* () {
      const row = yield* q.get<Row>('SELECT * FROM events WHERE id = $1', [id])
      return row && toEvent(row, (yield* q.all<Row>(JOBS_OF_EVENT, [id])).map(toJob))
    })
  }

  /** every attempt of every job of the event, by job then attempt number */
  async listAttempts(eventId: string): Promise<StoredAttempt[]> {
    const rows = await this.sql.all<Row>(
      `SELECT a.job_id, a.attempt, a.started_at, a.finished_at, a.outcome, a.status_code, a.error, a.contact_id,
              a.response, a.rate_limit
       FROM attempts a JOIN jobs j ON j.id = a.job_id
       WHERE j.event_id = $1
       ORDER BY a.job_id, a.attempt`,
      [eventId],
    )
    return rows.map((r) => toAttempt<StoredAttempt>(r))
  }

  /** the event's re-runs, oldest first */
  async listReruns(eventId: string): Promise<RerunRecord[]> {
    const rows = await this.sql.all<Row>(
      'SELECT at, requested_by AS "by", rules_version, changes FROM event_reruns WHERE event_id = $1 ORDER BY id',
      [eventId],
    )
    return rows.map((r) => ({ ...fromRow<RerunRecord>(r), changes: JSON.parse(r.changes as string) as unknown }))
  }

  /** the re-run's jobs (due at once) and its record in one transaction */
  async recordRerun(eventId: string, record: RerunRecord, jobs: NewJob[]): Promise<void> {
    await this.sql.write(function* () {
      // a re-run's jobs keep their event's place in the accept order (the tag fence compares it)
      const before = yield* q.get<{ seq: number | null; last: number | null }>(
        'SELECT min(coalesce(accept_seq, id)) AS seq, max(id) AS last FROM jobs WHERE event_id = $1',
        [eventId],
      )
      for (const job of jobs) yield* q.run(INSERT_JOB, jobValues(eventId, job, record.at))
      if (jobs.length > 0 && before?.seq != null)
        yield* q.run('UPDATE jobs SET accept_seq = $1 WHERE event_id = $2 AND id > $3', [
          before.seq,
          eventId,
          before.last ?? 0,
        ])
      yield* q.run(
        'INSERT INTO event_reruns (event_id, at, requested_by, rules_version, changes) VALUES ($1, $2, $3, $4, $5)',
        [eventId, record.at, record.by, record.rulesVersion, toJson(record.changes)],
      )
    })
  }
}
