import type { Database } from 'better-sqlite3'
import {
  asDuplicateEvent,
  duplicateOf,
  eventValues,
  INSERT_EVENT,
  INSERT_JOB,
  jobValues,
  type FirstRow,
} from '../inserts.js'
import type { AcceptOptions, AcceptResult, NewEvent, NewJob } from '../types.js'
import { eachIsolated, type Outcome } from './group-commit.js'
import { bind, toSqlite } from './sql.js'

/**
 * One accept with every value already serialised (../inserts.ts; the event's id, source
 * and arrival are its first three values). Why serialise before batching: the request's
 * thread has to turn the objects into text at some point, and flat arrays of strings are
 * the cheapest thing to hand to the writer thread.
 */
export interface AcceptRow {
  event: unknown[]
  jobs: unknown[][]
  dedupe: NonNullable<AcceptOptions['dedupe']> | null
}

export function toAcceptRow(event: NewEvent, jobs: NewJob[], opts: AcceptOptions): AcceptRow {
  return {
    event: eventValues(event),
    jobs: jobs.map((job) => jobValues(event.id, job, event.receivedAt)),
    dedupe: opts.dedupe ?? null,
  }
}

/**
 * The batch writer for group commit, on whichever connection runs it: one `BEGIN
 * IMMEDIATE` transaction per batch.
 *
 * Why optimistic, then isolated: a failing accept (a duplicate event id, a bad job) must
 * fail alone, which takes a savepoint per accept; but savepoints were ~40 % of the
 * writer's work per row, and accepts almost never fail. So a batch first runs without
 * them; if any accept throws, that transaction is rolled back whole and the batch runs
 * again with a savepoint per accept. Same outcomes either way, in the same order.
 *
 * Why the dedupe check lives here and not in the HTTP layer: only inside the write
 * transaction is "not seen yet" still true at the insert. Two copies racing both pass
 * any earlier check; here the second waits for the lock and then sees the first.
 * Expired keys are pruned in the same transaction (an indexed range delete, usually of
 * nothing), so the table stays the size of the retention window.
 */
export function prepareAcceptBatch(db: Database): (rows: AcceptRow[]) => Outcome<AcceptResult>[] {
  const insertEvent = db.prepare(toSqlite(INSERT_EVENT))
  const insertJob = db.prepare(toSqlite(INSERT_JOB))
  const findLiveKey = db.prepare<[string, string, number], FirstRow>(`
    SELECT d.event_id, e.tags, e."explain"
    FROM dedupe d LEFT JOIN events e ON e.id = d.event_id
    WHERE d.source = ? AND d.key = ? AND d.expires_at > ?`)
  // an expired row for the same key is replaced: the key is live again for the new event
  const rememberKey = db.prepare<[string, string, string, number]>(`
    INSERT INTO dedupe (source, key, event_id, expires_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (source, key) DO UPDATE SET event_id = excluded.event_id, expires_at = excluded.expires_at`)
  const pruneKeys = db.prepare<[number]>('DELETE FROM dedupe WHERE expires_at <= ?')

  const acceptOne = ({ event, jobs, dedupe }: AcceptRow): AcceptResult => {
    const [id, source, receivedAt] = event as [string, string, number]
    const keys = dedupe ? [dedupe.key, ...(dedupe.alsoKeys ?? [])] : []
    if (dedupe) pruneKeys.run(receivedAt)
    for (const key of keys) {
      const first = findLiveKey.get(source, key, receivedAt)
      if (first) return duplicateOf(first)
    }
    try {
      insertEvent.run(bind(event))
    } catch (err) {
      throw asDuplicateEvent(id, err, 'SQLITE_CONSTRAINT_PRIMARYKEY')
    }
    for (const job of jobs) insertJob.run(bind(job))
    for (const key of keys) rememberKey.run(source, key, id, dedupe!.expiresAt)
    return { duplicate: false }
  }
  // the usual batch: every accept succeeds, so no savepoints
  const optimistic = db.transaction((rows: AcceptRow[]) =>
    rows.map((row): Outcome<AcceptResult> => ({ ok: true, value: acceptOne(row) })),
  )
  // after a failure: each accept in its own savepoint (nested in the batch's transaction)
  const isolated = db.transaction(eachIsolated(db, acceptOne))
  return (rows) => {
    try {
      return optimistic.immediate(rows)
    } catch {
      return isolated.immediate(rows)
    }
  }
}
