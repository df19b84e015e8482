import type { Database } from 'better-sqlite3'
import type { JobRow } from '../../rows.js'
import { IN_DOUBT_ON_CLAIM, personHeldSql } from '../../person-order.js'

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
 *
 * A job of a person another pending job of whom is leased, or an earlier one waits for
 * its retry, is passed over (person-order.ts says why). A job claimed over a lease that
 * ran out, or taken back from a dead owner, is marked in doubt (migrations/052-jobs-in-doubt.ts).
 */
export function prepareLeaseQueries(db: Database) {
  const claim = db.prepare<ClaimParams, JobRow>(`
    UPDATE jobs SET ${IN_DOUBT_ON_CLAIM}, lease_owner = @owner, lease_until = @lease_until
    WHERE id IN (
      SELECT j.id FROM jobs j
      WHERE j.status = 'pending' AND j.run_at <= @now
        AND (j.lease_until IS NULL OR j.lease_until <= @now)
        AND (@location IS NULL OR j.location = @location)
        AND (@exclude IS NULL OR j.location NOT IN (SELECT value FROM json_each(@exclude)))
        AND ${personHeldSql('@now')}
      ORDER BY j.run_at, j.id
      LIMIT @limit)
    RETURNING *`)
  // one location's claim on its own index: the generic one above scans every due job of every location
  const claimOne = db.prepare<Omit<ClaimParams, 'exclude'>, JobRow>(`
    UPDATE jobs SET ${IN_DOUBT_ON_CLAIM}, lease_owner = @owner, lease_until = @lease_until
    WHERE id IN (
      SELECT j.id FROM jobs j INDEXED BY jobs_location_claim
      WHERE j.location = @location AND j.status = 'pending' AND j.run_at <= @now
        AND (j.lease_until IS NULL OR j.lease_until <= @now)
        AND ${personHeldSql('@now')}
      ORDER BY j.run_at, j.id
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
  const owner = db.prepare<{ owner: string; now: number }, { epoch: number }>(`
    INSERT INTO delivery_owner (id, owner, epoch, started_at) VALUES (1, @owner, 1, @now)
    ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, epoch = epoch + 1, started_at = excluded.started_at
    RETURNING epoch`)
  const previous = db.prepare<[], { owner: string }>('SELECT owner FROM delivery_owner WHERE id = 1')
  const takeBack = db.prepare<[string]>(`
    UPDATE jobs SET in_doubt = 1, lease_owner = NULL, lease_until = NULL
    WHERE lease_owner IS NOT NULL AND lease_owner <> ? AND status = 'pending'`)
  const takeOver = db.transaction((o: string, now: number) => {
    const before = previous.get()?.owner ?? null
    const epoch = owner.get({ owner: o, now })?.epoch ?? 1
    return { epoch, previous: before, released: takeBack.run(o).changes }
  })
  return {
    /**
     * The file's deliveries become `owner`'s (epoch + 1); every lease another owner holds
     * is a dead predecessor's and is dropped, so its jobs are due at once.
     */
    takeOverLeases(o: string, now: number): { epoch: number; previous: string | null; released: number } {
      return takeOver.immediate(o, now)
    },
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
