/**
 * The delivery queue, one piece (near 300 lines): the claim, the outcomes, the lease
 * renewals and the scheduler's due times all read and write the same leases and the
 * same per-person order (person-order.ts), and each is only right given the others'
 * guards (`lease_owner = $owner AND status = 'pending'`); split apart, that rule would be
 * written in several files.
 */
import { byDueOrder, fromRow, toJob, toJson, type Row } from './rows.js'
import { IN_DOUBT_ON_CLAIM, personHeldSql } from './person-order.js'
import { q, type Sql, type Step } from './sql.js'
import type {
  AppliedTag,
  AttemptRecord,
  ClaimOptions,
  Job,
  JobStatus,
  LocationQueue,
  TagFence,
  Takeover,
} from './types.js'
import { codes } from '../errors.js'

const CLAIMABLE = `j.status = 'pending' AND j.run_at <= $3 AND (j.lease_until IS NULL OR j.lease_until <= $3)
        AND ${personHeldSql('$3::bigint')}
      ORDER BY j.run_at, j.id
      LIMIT $4
      FOR UPDATE OF j SKIP LOCKED`

const claim = (from: string): string => `UPDATE jobs SET ${IN_DOUBT_ON_CLAIM}, lease_owner = $1, lease_until = $2
    WHERE id IN (SELECT j.id FROM ${from} ${CLAIMABLE})
    RETURNING *`
/** one location's claim on its own index (SQLite would otherwise scan every location's due jobs) */
const CLAIM_AT = claim('jobs j INDEXED BY jobs_location_claim WHERE j.location = $5 AND')
const CLAIM_ANY = claim('jobs j WHERE')

/** Moves a tag's fence forward only: a late writer never moves it back. */
const FENCE_UPSERT = `ON CONFLICT (location, contact_id, tag) DO UPDATE SET
       seq = excluded.seq, event_id = excluded.event_id, updated_at = excluded.updated_at
     WHERE excluded.seq > tag_fence.seq`

/** an AppliedTag's fields in the tag_fence insert's column order */
const FENCE_KEYS = ['location', 'contactId', 'tag', 'seq', 'eventId'] as const

/**
 * Ending an attempt: update the job, then record the attempt, in the caller's transaction.
 * Why guarded by `lease_owner = $2 AND status = 'pending'`: a worker that stalled past
 * its lease may finish after another worker re-claimed the job; the guard turns its late
 * write into a no-op instead of a second outcome. `RETURNING attempts` numbers the
 * attempt row without a second read. False if `owner` lost the lease.
 */
function* finish(
  id: number,
  owner: string,
  attempt: AttemptRecord,
  status: JobStatus,
  runAt: number | null,
): Generator<Step, boolean, unknown> {
  const row = yield* q.get<{ attempts: number }>(
    `UPDATE jobs SET
       status = $3, run_at = coalesce($4, run_at), attempts = attempts + 1, last_error = $5,
       resolved_contact_id = coalesce($6, resolved_contact_id), lease_owner = NULL, lease_until = NULL,
       in_doubt = 0, updated_at = $7
     WHERE id = $1 AND lease_owner = $2 AND status = 'pending'
     RETURNING attempts`,
    // the worker's clock, like every other time in the contract (tests inject it)
    [
      id,
      owner,
      status,
      runAt,
      status === 'done' ? null : (attempt.error ?? null),
      attempt.contactId ?? null,
      attempt.finishedAt,
    ],
  )
  if (row === undefined) return false
  yield* q.run(
    `INSERT INTO attempts (job_id, attempt, started_at, finished_at, outcome, status_code, error, contact_id, response, rate_limit)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      id,
      row.attempts,
      attempt.startedAt,
      attempt.finishedAt,
      attempt.outcome,
      attempt.statusCode ?? null,
      attempt.error ?? null,
      attempt.contactId ?? null,
      attempt.response === undefined ? null : toJson(attempt.response),
      attempt.rateLimit ? toJson(attempt.rateLimit) : null,
    ],
  )
  return true
}

/**
 * The delivery queue over either store: leased claims and their outcomes. Its writes go
 * with the engine's grouped writes on SQLite (sqlite/main-writes.ts).
 *
 * Why leases rather than a `running` status: a worker that dies mid-job (OOM, SIGKILL,
 * power) cannot clean up after itself. A lease is a promise that expires on its own, so
 * the job is claimable again after `lease_until` with no janitor process. Status stays
 * `pending` while leased; "leased" is just "pending with a live lease".
 *
 * Why one `UPDATE ... WHERE id IN (SELECT ... LIMIT) RETURNING *`: the pick and the mark
 * are one statement. On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets replicas claiming at
 * once pass over each other's rows; SQLite serialises writers on its lock and needs none.
 * A job of a person another pending job of whom is leased, or an earlier one waits for
 * its retry, is passed over (person-order.ts says why). That check reads other rows,
 * which a concurrent claim on PostgreSQL may be leasing in a transaction not yet
 * committed; so a claim first takes a transaction-scoped advisory lock on its location,
 * and claims of one location run one after the other. A job claimed over a lease that
 * ran out is marked in doubt (migrations/052-jobs-in-doubt.ts).
 */
export class QueueSql {
  /**
   * Capability (SQLite: one delivering process per file): makes `owner` the store's
   * delivering owner and drops every lease another owner holds, a dead predecessor's,
   * so its jobs are due at once instead of after `leaseMs`. Absent on PostgreSQL, where
   * other owners are live replicas: their leases run out unless renewed.
   */
  readonly takeOverLeases?: (owner: string, now: number) => Promise<Takeover>

  constructor(
    private readonly sql: Sql,
    takeOverLeases?: (owner: string, now: number) => Promise<Takeover>,
  ) {
    if (takeOverLeases) this.takeOverLeases = takeOverLeases
  }

  /** leases up to `limit` due jobs (pending, run_at <= now, no live lease), oldest first */
  async claim({ owner, limit, leaseMs, now, location }: ClaimOptions): Promise<Job[]> {
    // SQLite reads a negative LIMIT as "no limit": never let a bad config claim everything
    const n = Math.floor(limit)
    if (!(n >= 1)) return []
    const postgres = this.sql.dialect === 'postgres'
    const rows = await this.sql.write(
      function* () {
        if (postgres)
          yield* q.run('SELECT pg_advisory_xact_lock(hashtextextended($1, 24))', [`tagrelay:claim:${location ?? '*'}`])
        const [text, at] = location === undefined ? [CLAIM_ANY, []] : [CLAIM_AT, [location]]
        return yield* q.all<Row>(text, [owner, now + leaseMs, now, n, ...at])
      },
      { group: true },
    )
    // RETURNING does not follow the subquery's order
    return rows.map(toJob).sort(byDueOrder)
  }

  /**
   * records a failed attempt: `retryAt` epoch ms keeps the job pending until then,
   * `null` moves it to the dead letters. Releases the lease. False if `owner` lost it.
   */
  async fail(id: number, owner: string, attempt: AttemptRecord, retryAt: number | null): Promise<boolean> {
    const status = retryAt === null ? 'dead' : 'pending'
    return this.sql.write(() => finish(id, owner, attempt, status, retryAt), { group: true })
  }

  /**
   * marks leased jobs done with their attempts, in one transaction (a round's worth); returns
   * how many `owner` still held. `applied` (the tags the round sent, with the intent that
   * decided each) moves the tag fence forward in the same transaction, also for jobs whose
   * lease was lost: HighLevel did apply them.
   */
  async complete(
    owner: string,
    items: { id: number; attempt: AttemptRecord }[],
    applied: AppliedTag[] = [],
  ): Promise<number> {
    if (items.length === 0 && applied.length === 0) return 0
    const postgres = this.sql.dialect === 'postgres'
    const now = items[0]?.attempt.finishedAt ?? Date.now()
    return this.sql.write(
      function* () {
        if (postgres && applied.length > 0)
          // one statement for the round (a multi-row insert may not touch a row twice: the newest per tag)
          yield* q.run(
            `INSERT INTO tag_fence (location, contact_id, tag, seq, event_id, updated_at)
             SELECT DISTINCT ON (l, c, t) l, c, t, s, e, $6::bigint
             FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS a (l, c, t, s, e)
             ORDER BY l, c, t, s DESC ${FENCE_UPSERT}`,
            [...FENCE_KEYS.map((k) => applied.map((a) => a[k])), now],
          )
        else
          for (const a of applied)
            yield* q.run(
              `INSERT INTO tag_fence (location, contact_id, tag, seq, event_id, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6) ${FENCE_UPSERT}`,
              [a.location, a.contactId, a.tag, a.seq, a.eventId, now],
            )
        let done = 0
        for (const { id, attempt } of items) if (yield* finish(id, owner, attempt, 'done', null)) done++
        return done
      },
      { group: true },
    )
  }

  /** the tag fence of `contactIds` at a location: contact id → lowercased tag → last intent applied */
  async loadFence(location: string, contactIds: string[]): Promise<Map<string, Map<string, TagFence>>> {
    const out = new Map<string, Map<string, TagFence>>()
    if (contactIds.length === 0) return out
    const rows = await this.sql.all<{ contact_id: string; tag: string; seq: number; event_id: string }>(
      'SELECT contact_id, tag, seq, event_id FROM tag_fence WHERE location = $1 AND contact_id = ANY ($2::text[])',
      [location, contactIds],
    )
    for (const r of rows) {
      const tags = out.get(r.contact_id) ?? new Map<string, TagFence>()
      tags.set(r.tag, { seq: Number(r.seq), eventId: r.event_id })
      out.set(r.contact_id, tags)
    }
    return out
  }

  /**
   * Extends the leases `owner` still holds on `ids` to now + leaseMs; returns how many.
   * Only leases `owner` still holds: a job another worker took since stays theirs. Why
   * SKIP LOCKED (PostgreSQL): the round being renewed finishes its jobs in a transaction
   * that locks their rows one by one; a renewal waiting on them while holding others
   * deadlocked with it. A row locked right now is being finished or claimed: no renewal.
   */
  async renewLeases(owner: string, ids: number[], leaseMs: number, now: number): Promise<number> {
    if (ids.length === 0) return 0
    return this.sql.run(
      `UPDATE jobs SET lease_until = $3
       WHERE id IN (
         SELECT id FROM jobs WHERE id = ANY ($2::bigint[]) AND lease_owner = $1 AND status = 'pending'
         FOR UPDATE SKIP LOCKED)`,
      [owner, ids, now + leaseMs],
      { group: true },
    )
  }

  /**
   * Hands leased jobs back without an attempt (their calls were never sent: the location's
   * circuit is open), due at `runAt`; returns how many `owner` still held.
   */
  async defer(owner: string, ids: number[], runAt: number, now: number): Promise<number> {
    if (ids.length === 0) return 0
    return this.sql.run(
      `UPDATE jobs SET lease_owner = NULL, lease_until = NULL, run_at = $3, updated_at = $4
       WHERE id = ANY ($2::bigint[]) AND lease_owner = $1 AND status = 'pending'`,
      [owner, ids, runAt, now],
      { group: true },
    )
  }

  /** drops every lease `owner` holds (graceful shutdown); returns how many */
  async releaseLeases(owner: string): Promise<number> {
    return this.sql.run(
      `UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 AND status = 'pending'`,
      [owner],
    )
  }

  /** pending and dead counts and the oldest pending job, per location that has any */
  async stats(): Promise<LocationQueue[]> {
    const rows = await this.sql.all<Row>(
      `SELECT location,
              count(*) FILTER (WHERE status = 'pending') AS pending,
              count(*) FILTER (WHERE status = 'dead') AS dead,
              min(created_at) FILTER (WHERE status = 'pending') AS oldest_pending_at,
              min(created_at) FILTER (WHERE status = 'pending' AND (last_error IS NULL OR last_error NOT LIKE '${codes.TAGRELAY_CONTACT_NOT_FOUND}%'))
                AS oldest_deliverable_at,
              count(*) FILTER (WHERE status = 'pending' AND last_error LIKE '${codes.TAGRELAY_CONTACT_NOT_FOUND}%') AS awaiting_contact
       FROM jobs WHERE status IN ('pending', 'dead')
       GROUP BY location ORDER BY location`,
    )
    return rows.map((r) => fromRow<LocationQueue>(r))
  }

  /** locations with at least one claimable job at `now` (pending, due, no live lease), at most `limit` */
  async dueLocations(now: number, limit: number): Promise<string[]> {
    const rows = await this.sql.all<{ location: string }>(
      `SELECT DISTINCT location FROM jobs
       WHERE status = 'pending' AND run_at <= $1 AND (lease_until IS NULL OR lease_until <= $1) LIMIT $2`,
      [now, limit],
    )
    return rows.map((r) => r.location)
  }

  /**
   * when the location's next pending job becomes claimable (its run_at or lease end), null
   * when none. With `after`, only times after it: a job due at `after` that the claim then
   * passed over waits for another job of its person (person-order.ts), whose time counts.
   */
  async nextDueAt(location: string, after = Number.MIN_SAFE_INTEGER): Promise<number | null> {
    const row = await this.sql.get<{ at: number | null }>(
      `SELECT min(at) AS at FROM (
         SELECT CASE WHEN lease_until IS NOT NULL AND lease_until > run_at THEN lease_until ELSE run_at END AS at
         FROM jobs WHERE location = $1 AND status = 'pending') t
       WHERE at > $2::bigint`,
      [location, after],
    )
    return row?.at ?? null
  }
}
