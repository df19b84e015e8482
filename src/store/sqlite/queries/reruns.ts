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
  const record = db.transaction((eventId: string, r: RerunRecord, jobs: NewJob[]) => {
    for (const job of jobs) insertJob(jobInsertRow(eventId, job, r.at))
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
