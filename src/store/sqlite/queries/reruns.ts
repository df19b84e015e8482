import type { Database } from 'better-sqlite3'
import { toJson } from '../../rows.js'
import type { NewJob, RerunRecord } from '../../types.js'
import { jobInsertRow, prepareJobQueries } from './jobs.js'

/** Re-runs of stored events: their jobs and record in one transaction, and the trail's read. */
export function prepareRerunQueries(db: Database) {
  const { insertJob } = prepareJobQueries(db)
  const insert = db.prepare<[string, number, string, string, string]>(
    'INSERT INTO event_reruns (event_id, at, requested_by, rules_version, changes) VALUES (?, ?, ?, ?, ?)',
  )
  const list = db.prepare<[string], { at: number; requested_by: string; rules_version: string; changes: string }>(
    'SELECT at, requested_by, rules_version, changes FROM event_reruns WHERE event_id = ? ORDER BY id',
  )
  // a re-run's jobs keep their event's place in the accept order (the tag fence compares it)
  const eventSeq = db.prepare<[string], { seq: number | null; last: number | null }>(
    'SELECT min(coalesce(accept_seq, id)) AS seq, max(id) AS last FROM jobs WHERE event_id = ?',
  )
  const placeNew = db.prepare<[number, string, number]>('UPDATE jobs SET accept_seq = ? WHERE event_id = ? AND id > ?')
  const record = db.transaction((eventId: string, r: RerunRecord, jobs: NewJob[]) => {
    const before = eventSeq.get(eventId)
    for (const job of jobs) insertJob(jobInsertRow(eventId, job, r.at))
    if (before?.seq != null) placeNew.run(before.seq, eventId, before.last ?? 0)
    insert.run(eventId, r.at, r.by, r.rulesVersion, toJson(r.changes))
  })
  return {
    recordRerun(eventId: string, r: RerunRecord, jobs: NewJob[]): void {
      record.immediate(eventId, r, jobs)
    },
    listReruns(eventId: string): RerunRecord[] {
      return list.all(eventId).map((r) => ({
        at: r.at,
        by: r.requested_by,
        rulesVersion: r.rules_version,
        changes: JSON.parse(r.changes) as unknown,
      }))
    },
  }
}
