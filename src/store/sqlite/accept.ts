import type { Database } from 'better-sqlite3'
import { TagrelayError } from '../../errors.js'
import type { AcceptOptions, AcceptResult, NewEvent, NewJob } from '../types.js'
import type { Outcome } from './group-commit.js'
import { prepareDedupeQueries } from './queries/dedupe.js'
import { prepareEventQueries } from './queries/events.js'
import { jobInsertRow, prepareJobQueries, type JobInsertRow } from './queries/jobs.js'
import { toJson, type EventRow } from '../rows.js'

/**
 * One accept with every JSON column already serialised. Why serialise before batching:
 * the request's thread has to turn the objects into text at some point, and plain
 * strings are the cheapest thing to hand to the writer thread (no structured clone of
 * nested objects).
 */
export interface AcceptRow {
  event: EventRow
  jobs: JobInsertRow[]
  dedupe: { key: string; expiresAt: number; alsoKeys?: readonly string[] } | null
}

export function toAcceptRow(event: NewEvent, jobs: NewJob[], opts: AcceptOptions): AcceptRow {
  return {
    event: {
      id: event.id,
      source: event.source,
      received_at: event.receivedAt,
      headers: toJson(event.headers),
      body: toJson(event.body),
      tags: toJson(event.tags),
      explain: toJson(event.explain),
      contact_id: event.contact?.id ?? null,
      contact_email: event.contact?.email?.toLowerCase() ?? null,
      contact_phone: event.contact?.phone ?? null,
    },
    jobs: jobs.map((job) => jobInsertRow(event.id, job, event.receivedAt)),
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
  const q = { ...prepareEventQueries(db), ...prepareJobQueries(db), ...prepareDedupeQueries(db) }

  const acceptOne = ({ event, jobs, dedupe }: AcceptRow): AcceptResult => {
    const keys = dedupe ? [dedupe.key, ...(dedupe.alsoKeys ?? [])] : []
    if (dedupe) q.pruneKeys(event.received_at)
    for (const key of keys) {
      const first = q.findLiveKey(event.source, key, event.received_at)
      if (first) {
        const tags = first.tags === null ? [] : (JSON.parse(first.tags) as string[])
        const explain: unknown = first.explain === null ? null : JSON.parse(first.explain)
        return { duplicate: true, id: first.event_id, tags, explain }
      }
    }
    insertEventOnce(q.insertEvent, event)
    for (const job of jobs) q.insertJob(job)
    for (const key of keys) q.rememberKey(event.source, key, event.id, dedupe!.expiresAt)
    return { duplicate: false }
  }
  // the usual batch: every accept succeeds, so no savepoints
  const optimistic = db.transaction((rows: AcceptRow[]) =>
    rows.map((row): Outcome<AcceptResult> => ({ ok: true, value: acceptOne(row) })),
  )
  // after a failure: each accept in its own savepoint (`one` nests in the batch's transaction)
  const one = db.transaction(acceptOne)
  const isolated = db.transaction((rows: AcceptRow[]) =>
    rows.map((row): Outcome<AcceptResult> => {
      try {
        return { ok: true, value: one(row) }
      } catch (error) {
        return { ok: false, error }
      }
    }),
  )
  return (rows) => {
    try {
      return optimistic.immediate(rows)
    } catch {
      return isolated.immediate(rows)
    }
  }
}

/** A second accept of the same event id is a caller bug or a dedupe race: say which. */
function insertEventOnce(insert: (row: EventRow) => void, event: EventRow): void {
  try {
    insert(event)
  } catch (err) {
    if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new TagrelayError('TAGRELAY_STORE_DUPLICATE_EVENT', `event ${event.id} is already stored`, 409, {
        cause: err,
      })
    }
    throw err
  }
}
