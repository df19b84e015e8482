import type pg from 'pg'
import { toJson } from '../../rows.js'
import type { NewJob, RerunRecord } from '../../types.js'
import type { Queryable } from '../pool.js'
import { jobsInsert } from './accept.js'

/** A re-run's jobs (due at once) and its record, in the caller's transaction. */
export async function recordRerun(
  client: pg.PoolClient,
  eventId: string,
  record: RerunRecord,
  jobs: NewJob[],
): Promise<void> {
  if (jobs.length > 0) {
    // a re-run's jobs keep their event's place in the accept order (the tag fence compares it)
    const { rows } = await client.query<{ seq: string | null; last: string | null }>(
      'SELECT min(coalesce(accept_seq, id)) AS seq, max(id) AS last FROM jobs WHERE event_id = $1',
      [eventId],
    )
    const values: unknown[] = []
    await client.query(jobsInsert({ id: eventId, receivedAt: record.at }, jobs, values), values)
    const before = rows[0]
    if (before?.seq != null)
      await client.query('UPDATE jobs SET accept_seq = $1 WHERE event_id = $2 AND id > $3', [
        before.seq,
        eventId,
        before.last ?? 0,
      ])
  }
  await client.query(
    'INSERT INTO event_reruns (event_id, at, requested_by, rules_version, changes) VALUES ($1, $2, $3, $4, $5)',
    [eventId, record.at, record.by, record.rulesVersion, toJson(record.changes)],
  )
}

export async function listReruns(db: Queryable, eventId: string): Promise<RerunRecord[]> {
  const { rows } = await db.query<{ at: string; requested_by: string; rules_version: string; changes: string }>(
    'SELECT at, requested_by, rules_version, changes FROM event_reruns WHERE event_id = $1 ORDER BY id',
    [eventId],
  )
  return rows.map((r) => ({
    at: Number(r.at),
    by: r.requested_by,
    rulesVersion: r.rules_version,
    changes: JSON.parse(r.changes) as unknown,
  }))
}
