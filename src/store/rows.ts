import type { AttemptRecord, ContactRef, EventRecord, EventSummary, Job } from './types.js'
import { placeholders } from './sql.js'

/**
 * Row shapes as both stores return them (PostgreSQL's BIGINT read as a number, see
 * postgres/pool.ts), and the one place they become contract types.
 *
 * Why JSON text columns rather than child tables for tags, headers and the trace: they
 * are written once, read whole, and never queried by content. The admin views show them
 * as they came; a join per tag would cost every insert for no reader.
 */

/**
 * `undefined` is not JSON: a missing body or trace is stored as `null`, so it reads back
 * as `null`. Everything else round-trips as `JSON.parse(JSON.stringify(x))` would.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null)
}

function fromJson<T>(text: string | null): T {
  return (text === null ? null : JSON.parse(text)) as T
}

/**
 * A `jobs` row as fromRow names its columns. `contactId` only holds an id from the
 * payload; `resolvedContactId` is the id delivery resolved email/phone (or the given id)
 * to. `acceptSeq` null: the job's own id (migrations/050-last-word-fence.ts); `inDoubt`
 * 1: the last claim ended without an outcome (migrations/052-jobs-in-doubt.ts).
 */
type JobColumns = Pick<
  Job,
  'id' | 'eventId' | 'location' | 'status' | 'attempts' | 'lastError' | 'runAt' | 'createdAt'
> &
  Identity &
  Record<'addTags' | 'removeTags' | 'rules', string> &
  Record<'resolvedContactId' | 'createFields' | 'traceParent', string | null> &
  Record<'acceptSeq' | 'inDoubt', number | null>

/**
 * The contract's `ContactRef` is rebuilt from the identity columns, exactly as the job
 * was given it; the id delivery resolved is `contactId`. Keys whose column is NULL are
 * left out.
 */
function toContact(r: Identity): ContactRef {
  const contact: ContactRef = {}
  if (r.contactId !== null) contact.id = r.contactId
  if (r.contactEmail !== null) contact.email = r.contactEmail
  if (r.contactPhone !== null) contact.phone = r.contactPhone
  return contact
}

export function toJob(row: Row): Job {
  const r = fromRow<JobColumns>(row)
  const job: Job = {
    id: r.id,
    seq: r.acceptSeq ?? r.id,
    eventId: r.eventId,
    location: r.location,
    contact: toContact(r),
    add: fromJson<string[]>(r.addTags),
    remove: fromJson<string[]>(r.removeTags),
    rules: fromJson<string[]>(r.rules),
    status: r.status,
    attempts: r.attempts,
    lastError: r.lastError,
    runAt: r.runAt,
    createdAt: r.createdAt,
    contactId: r.resolvedContactId ?? r.contactId,
  }
  if (r.createFields !== null) job.create = fromJson<Record<string, string>>(r.createFields)
  if (r.traceParent) job.traceParent = r.traceParent
  if (r.inDoubt) job.inDoubt = true
  return job
}

/** An `events` row (its columns: id, source, received_at, the JSON texts, the identity) with its jobs. */
export function toEvent(row: Row, jobs: Job[]): EventRecord {
  type Columns = Pick<EventRecord, 'id' | 'source' | 'receivedAt'> &
    Record<'headers' | 'body' | 'tags' | 'explain', string>
  const { contactId, contactEmail, contactPhone, ...r } = fromRow<Columns & Identity>(row)
  const contact = contactOf({ contactId, contactEmail, contactPhone })
  return {
    ...r,
    headers: JSON.parse(r.headers) as Record<string, string>,
    body: JSON.parse(r.body) as unknown,
    tags: JSON.parse(r.tags) as string[],
    explain: JSON.parse(r.explain) as unknown,
    ...(Object.keys(contact).length > 0 ? { contact } : {}),
    jobs,
  }
}

/** Claimed jobs in the contract's order: oldest due first, then by id. */
export function byDueOrder(a: Job, b: Job): number {
  return a.runAt - b.runAt || a.id - b.id
}

/** A row as both drivers return it, before it becomes a contract type. */
export type Row = Record<string, unknown>

/**
 * Column names are the queries' own (a few dozen), so each is converted once: a claim
 * reads 10,000 jobs of 20-odd columns, and a pattern replace per column per row cost the
 * delivery bench's W1 12 % of its drain (0.84 s -> 0.94 s for 10,000 jobs).
 */
const camelNames = new Map<string, string>()
function camel(column: string): string {
  let name = camelNames.get(column)
  if (name === undefined) {
    name = column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
    camelNames.set(column, name)
  }
  return name
}

/**
 * A row whose contract type is its table with the columns in camelCase (`installed_at` →
 * `installedAt`): every column read as it is, the caller converting what differs (JSON
 * text, SQLite's 0/1 booleans). Why trust the columns to the type: both drivers already
 * read integers as numbers (postgres/pool.ts), and the queries name the table's columns,
 * so a row and its type are written once, in the migration and the contract.
 */
export function fromRow<T>(row: Row): T {
  const named: Row = {}
  for (const column in row) named[camel(column)] = row[column]
  return named as T
}

/**
 * An `attempts` row as the contract has it (the trail's with its job_id and attempt): every
 * column by name, the JSON ones parsed; `rateLimit` only when the row has one.
 */
export function toAttempt<T extends AttemptRecord = AttemptRecord>(row: Row): T {
  const { response, rateLimit, ...columns } = fromRow<Record<'response' | 'rateLimit', string | null>>(row)
  return {
    ...(rateLimit ? { rateLimit: JSON.parse(rateLimit) as unknown } : {}),
    ...columns,
    response: response === null ? null : (JSON.parse(response) as unknown),
  } as T
}

/**
 * One statement that inserts a whole row (`columnList`: its columns, comma-separated) or
 * replaces the row with the same `key`, and its parameters from an object with the
 * columns' camelCase names. Numbers are rounded: they are epoch ms here, and SQLite's
 * STRICT integer columns refuse a fraction.
 */
export function upsert(table: string, columnList: string, key: string) {
  const columns = columnList.split(', ')
  const set = columns.filter((c) => c !== key).map((c) => `${c} = excluded.${c}`)
  return {
    text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${placeholders(columns.length)}
      ON CONFLICT (${key}) DO UPDATE SET ${set.join(', ')}`,
    values: (o: object): unknown[] =>
      columns.map((c) => (o as Row)[camel(c)]).map((v) => (typeof v === 'number' ? Math.round(v) : v)),
  }
}

/** Who an event is about, as stored at ingest (only the identifiers it gave). */
export function contactOf(r: Identity): EventSummary['contact'] {
  return {
    ...(r.contactEmail ? { email: r.contactEmail } : {}),
    ...(r.contactPhone ? { phone: r.contactPhone } : {}),
    ...(r.contactId ? { id: r.contactId } : {}),
  }
}

/** The identity columns of an event (or a listed one), as fromRow names them. */
type Identity = Record<'contactId' | 'contactEmail' | 'contactPhone', string | null>

export function toEventSummary(row: Row): EventSummary {
  const r = fromRow<
    Omit<EventSummary, 'tags' | 'removed' | 'contact'> & Identity & { tags: string; removed: string | string[] }
  >(row)
  return {
    id: r.id,
    source: r.source,
    receivedAt: r.receivedAt,
    tags: JSON.parse(r.tags) as string[],
    removed: typeof r.removed === 'string' ? (JSON.parse(r.removed) as string[]) : r.removed,
    status: r.status,
    jobCount: r.jobCount,
    contact: contactOf(r),
    location: r.location,
  }
}
