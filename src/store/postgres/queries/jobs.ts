import type pg from 'pg'
import type { AppliedTag, AttemptRecord, JobStatus } from '../../types.js'
import { toJson } from '../../rows.js'
import type { JobRow } from '../../rows.js'
import type { Queryable } from '../pool.js'
import { IN_DOUBT_ON_CLAIM, personHeldSql } from '../../person-order.js'

/**
 * The lease protocol on PostgreSQL.
 *
 * Why `FOR UPDATE SKIP LOCKED` in the picking subquery: replicas claim at the same time.
 * Without it the second claimer would block on the rows the first is leasing and then,
 * re-checking them, find them leased and claim nothing; with it, it passes over them and
 * leases the next due jobs in the same statement.
 *
 * A job whose person has another job leased, or an earlier one waiting for its retry,
 * is passed over (person-order.ts says why). That check reads other rows, which a
 * concurrent claim may be leasing in a transaction not yet committed; so a claim first
 * takes a transaction-scoped advisory lock on its location (`claimLock`), and claims of
 * one location run one after the other: the second one's statement sees the first's
 * leases. A claim is a few milliseconds; the lock is held for no call to HighLevel.
 */
export async function claimJobs(
  db: Queryable,
  owner: string,
  limit: number,
  leaseMs: number,
  now: number,
  where: { location?: string; excludeLocations?: string[] } = {},
): Promise<JobRow[]> {
  const { rows } = await db.query<JobRow>(
    `UPDATE jobs SET ${IN_DOUBT_ON_CLAIM}, lease_owner = $1, lease_until = $2
     WHERE id IN (
       SELECT j.id FROM jobs j
       WHERE j.status = 'pending' AND j.run_at <= $3 AND (j.lease_until IS NULL OR j.lease_until <= $3)
         AND ($5::text IS NULL OR j.location = $5)
         AND ($6::text[] IS NULL OR j.location <> ALL ($6::text[]))
         AND ${personHeldSql('$3::bigint')}
       ORDER BY j.run_at, j.id
       LIMIT $4
       FOR UPDATE OF j SKIP LOCKED)
     RETURNING *`,
    [owner, now + leaseMs, now, limit, where.location ?? null, where.excludeLocations ?? null],
  )
  return rows
}

/** Serialises the claims of one location across replicas until the transaction ends (see claimJobs). */
export async function claimLock(db: Queryable, location: string | undefined): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 24))`, [`tagrelay:claim:${location ?? '*'}`])
}

/** The tag fence of some contacts at a location (migrations/050-last-word-fence.ts). */
export async function loadFence(db: Queryable, location: string, contactIds: string[]) {
  const { rows } = await db.query<{ contact_id: string; tag: string; seq: string | number; event_id: string }>(
    'SELECT contact_id, tag, seq, event_id FROM tag_fence WHERE location = $1 AND contact_id = ANY ($2::text[])',
    [location, contactIds],
  )
  return rows
}

/** Moves the fence forward only (a late writer never moves a tag back); one statement for the round. */
export async function recordApplied(db: Queryable, applied: readonly AppliedTag[], now: number): Promise<void> {
  if (applied.length === 0) return
  await db.query(
    `INSERT INTO tag_fence (location, contact_id, tag, seq, event_id, updated_at)
     SELECT DISTINCT ON (l, c, t) l, c, t, s, e, $6::bigint
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS a (l, c, t, s, e)
     ORDER BY l, c, t, s DESC
     ON CONFLICT (location, contact_id, tag) DO UPDATE SET
       seq = excluded.seq, event_id = excluded.event_id, updated_at = excluded.updated_at
     WHERE excluded.seq > tag_fence.seq`,
    [
      applied.map((a) => a.location),
      applied.map((a) => a.contactId),
      applied.map((a) => a.tag),
      applied.map((a) => a.seq),
      applied.map((a) => a.eventId),
      now,
    ],
  )
}

/**
 * Only leases `owner` still holds: a job another worker took since stays theirs.
 *
 * Why SKIP LOCKED: the round being renewed finishes its jobs in one transaction that
 * locks their rows one by one; a renewal waiting on those rows while holding others
 * deadlocked with it (PostgreSQL aborts one after deadlock_timeout, and an aborted
 * completion means a redelivery). A row locked right now is being finished or claimed,
 * so its lease needs no renewal; a free one is renewed at once.
 */
export async function renewLeases(db: Queryable, owner: string, ids: number[], leaseUntil: number): Promise<number> {
  const res = await db.query(
    `UPDATE jobs SET lease_until = $3
     WHERE id IN (
       SELECT id FROM jobs WHERE id = ANY ($2::bigint[]) AND lease_owner = $1 AND status = 'pending'
       FOR UPDATE SKIP LOCKED)`,
    [owner, ids, leaseUntil],
  )
  return res.rowCount ?? 0
}

/** Job update and attempt row in one transaction; false if `owner` lost the lease. */
export async function finishJob(
  client: pg.PoolClient,
  p: { id: number; owner: string; status: JobStatus; runAt: number | null; attempt: AttemptRecord },
): Promise<boolean> {
  const { attempt } = p
  const { rows } = await client.query<{ attempts: number }>(
    `UPDATE jobs SET
       status = $3, run_at = coalesce($4, run_at), attempts = attempts + 1, last_error = $5,
       resolved_contact_id = coalesce($6, resolved_contact_id), lease_owner = NULL, lease_until = NULL,
       in_doubt = 0, updated_at = $7
     WHERE id = $1 AND lease_owner = $2 AND status = 'pending'
     RETURNING attempts`,
    [
      p.id,
      p.owner,
      p.status,
      p.runAt,
      p.status === 'done' ? null : (attempt.error ?? null),
      attempt.contactId ?? null,
      attempt.finishedAt,
    ],
  )
  const n = rows[0]?.attempts
  if (n === undefined) return false
  await client.query(
    `INSERT INTO attempts (job_id, attempt, started_at, finished_at, outcome, status_code, error, contact_id, response, rate_limit)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      p.id,
      n,
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

/** Hands jobs back unattempted (a circuit held their calls): no attempt spent. */
export async function deferJobs(db: Queryable, owner: string, ids: number[], runAt: number, now: number) {
  const res = await db.query(
    `UPDATE jobs SET lease_owner = NULL, lease_until = NULL, run_at = $3, updated_at = $4
     WHERE id = ANY ($2::bigint[]) AND lease_owner = $1 AND status = 'pending'`,
    [owner, ids, runAt, now],
  )
  return res.rowCount ?? 0
}

export async function releaseLeases(db: Queryable, owner: string): Promise<number> {
  const res = await db.query(
    `UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 AND status = 'pending'`,
    [owner],
  )
  return res.rowCount ?? 0
}

export async function selectJobs(db: Queryable, filter: { eventId?: string; status?: JobStatus }): Promise<JobRow[]> {
  const { rows } = await db.query<JobRow>(
    `SELECT * FROM jobs WHERE ($1::text IS NULL OR event_id = $1) AND ($2::text IS NULL OR status = $2) ORDER BY id`,
    [filter.eventId ?? null, filter.status ?? null],
  )
  return rows
}

export async function countJobs(db: Queryable, status?: JobStatus): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM jobs WHERE ($1::text IS NULL OR status = $1)',
    [status ?? null],
  )
  return rows[0]?.n ?? 0
}
