import { fromRow, toAttempt, toEvent, toJob, toJson, type Row } from './rows.js'
import { INSERT_JOB, jobValues } from './inserts.js'
import { listEvents } from './event-list.js'
import { q, SqlRole } from './sql.js'
import type { EventFilter, EventRecord, EventSummary, NewJob, RerunRecord, StoredAttempt } from './types.js'

const JOBS_OF_EVENT = 'SELECT * FROM jobs WHERE event_id = $1 ORDER BY id'

/** What the admin API and the console read, over either store. */
export class TrailSql extends SqlRole {
  /** events newest first, with filters and a keyset cursor (event-list.ts) */
  async listEvents(filter: EventFilter): Promise<EventSummary[]> {
    return listEvents(this.sql, filter)
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
