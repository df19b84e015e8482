import type { Database } from 'better-sqlite3'
import type { JobRow } from '../../rows.js'

interface ClaimParams {
  owner: string
  now: number
  lease_until: number
  limit: number
  location: string | null
  exclude: string | null
}
interface ClaimWhere {
  location?: string
  excludeLocations?: string[]
}

/**
 * The lease half of the job protocol.
 *
 * Why leases rather than a `running` status: a worker that dies mid-job (OOM, SIGKILL,
 * power) cannot clean up after itself. A lease is a promise that expires on its own, so
 * the job is claimable again after `lease_until` with no janitor process. Status stays
 * `pending` while leased; "leased" is just "pending with a live lease".
 *
 * Why a single `UPDATE ... WHERE id IN (SELECT ... LIMIT) RETURNING *`: the pick and the
 * mark are one statement, so no other connection can claim between them. SQLite has no
 * `SKIP LOCKED`, and needs none: writers are serialised by the database lock. The caller
 * still runs it in `BEGIN IMMEDIATE` (see store.ts) so the lock is taken up front.
 */
export function prepareLeaseQueries(db: Database) {
  const claim = db.prepare<ClaimParams, JobRow>(`
    UPDATE jobs SET lease_owner = @owner, lease_until = @lease_until
    WHERE id IN (
      SELECT id FROM jobs
      WHERE status = 'pending' AND run_at <= @now
        AND (lease_until IS NULL OR lease_until <= @now)
        AND (@location IS NULL OR location = @location)
        AND (@exclude IS NULL OR location NOT IN (SELECT value FROM json_each(@exclude)))
      ORDER BY run_at, id
      LIMIT @limit)
    RETURNING *`)
  // one location's claim on its own index: the generic one above scans every due job of every location
  const claimOne = db.prepare<Omit<ClaimParams, 'exclude'>, JobRow>(`
    UPDATE jobs SET lease_owner = @owner, lease_until = @lease_until
    WHERE id IN (
      SELECT id FROM jobs INDEXED BY jobs_location_claim
      WHERE location = @location AND status = 'pending' AND run_at <= @now
        AND (lease_until IS NULL OR lease_until <= @now)
      ORDER BY run_at, id
      LIMIT @limit)
    RETURNING *`)
  const release = db.prepare<[string]>(`
    UPDATE jobs SET lease_owner = NULL, lease_until = NULL
    WHERE lease_owner = ? AND status = 'pending'`)

  const renew = db.prepare<{ owner: string; ids: string; lease_until: number }>(`
    UPDATE jobs SET lease_until = @lease_until
    WHERE lease_owner = @owner AND status = 'pending' AND id IN (SELECT value FROM json_each(@ids))`)

  const defer = db.prepare<{ owner: string; ids: string; run_at: number; now: number }>(`
    UPDATE jobs SET lease_owner = NULL, lease_until = NULL, run_at = @run_at, updated_at = @now
    WHERE lease_owner = @owner AND status = 'pending' AND id IN (SELECT value FROM json_each(@ids))`)
  return {
    /** Hands jobs back unattempted (a circuit held their calls): no attempt spent. */
    deferJobs(owner: string, ids: number[], runAt: number, now: number): number {
      return defer.run({ owner, ids: JSON.stringify(ids), run_at: runAt, now }).changes
    },
    /** Only leases `owner` still holds: a job another worker took since stays theirs. */
    renewLeases(owner: string, ids: number[], leaseMs: number, now: number): number {
      return renew.run({ owner, ids: JSON.stringify(ids), lease_until: now + leaseMs }).changes
    },
    /** Rows come back in no particular order (RETURNING does not follow the subquery). */
    claimJobs(owner: string, limit: number, leaseMs: number, now: number, where: ClaimWhere = {}): JobRow[] {
      if (where.location !== undefined && where.excludeLocations === undefined)
        return claimOne.all({ owner, now, lease_until: now + leaseMs, limit, location: where.location })
      const exclude = where.excludeLocations === undefined ? null : JSON.stringify(where.excludeLocations)
      return claim.all({ owner, now, lease_until: now + leaseMs, limit, location: where.location ?? null, exclude })
    },
    releaseLeases(owner: string): number {
      return release.run(owner).changes
    },
  }
}
