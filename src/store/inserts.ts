import { toJson } from './rows.js'
import { codes, TagrelayError } from '../errors.js'
import { placeholders } from './sql.js'
import type { AcceptResult, NewEvent, NewJob } from './types.js'

/**
 * The event and job inserts, with their parameters in column order, as accepts (both
 * stores) and re-runs write them. Why positional values with every JSON column already
 * text: SQLite's accepts cross to the writer thread, and flat arrays of strings are the
 * cheapest thing to clone.
 */
export const INSERT_EVENT = `INSERT INTO events (id, source, received_at, headers, body, tags, "explain", contact_id, contact_email, contact_phone) VALUES ${placeholders(10)}`

export function eventValues(event: NewEvent): unknown[] {
  return [
    event.id,
    event.source,
    event.receivedAt,
    toJson(event.headers),
    toJson(event.body),
    toJson(event.tags),
    toJson(event.explain),
    event.contact?.id ?? null,
    event.contact?.email?.toLowerCase() ?? null,
    event.contact?.phone ?? null,
  ]
}

/** a new job is due at once: run_at, created_at and updated_at are its arrival */
export const JOB_COLUMNS = `event_id, location, contact_id, contact_email, contact_phone, create_fields,
  add_tags, remove_tags, rules, run_at, created_at, updated_at, trace_parent`
export const INSERT_JOB = `INSERT INTO jobs (${JOB_COLUMNS}) VALUES ${placeholders(13)}`

export function jobValues(eventId: string, job: NewJob, runAt: number): unknown[] {
  return [
    eventId,
    job.location,
    job.contact.id ?? null,
    job.contact.email ?? null,
    job.contact.phone ?? null,
    job.create === undefined ? null : toJson(job.create),
    toJson(job.add),
    toJson(job.remove),
    toJson(job.rules),
    runAt,
    runAt,
    runAt,
    job.traceParent ?? null,
  ]
}

/** The first event with a live dedupe key, as both accepts read it (`tags`/`explain` NULL when pruned since). */
export interface FirstRow {
  event_id: string
  tags: string | null
  explain: string | null
}

export function duplicateOf(first: FirstRow): AcceptResult {
  const tags = first.tags === null ? [] : (JSON.parse(first.tags) as string[])
  const explain: unknown = first.explain === null ? null : JSON.parse(first.explain)
  return { duplicate: true, id: first.event_id, tags, explain }
}

/** A second accept of the same event id is a caller bug or a dedupe race: say which (`code`: the driver's for it). */
export function asDuplicateEvent(id: string, err: unknown, code: string): Error {
  if ((err as { code?: unknown }).code !== code) return err as Error
  return new TagrelayError(codes.TAGRELAY_STORE_DUPLICATE_EVENT, `event ${id} is already stored`, { cause: err })
}
