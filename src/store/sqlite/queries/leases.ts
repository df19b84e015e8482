import type { Database } from 'better-sqlite3'
import type { JobRow } from '../rows.js'

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
  const claim = db.prepare<{ owner: string; now: number; lease_until: number; limit: number }, JobRow>(`
    UPDATE jobs SET lease_owner = @owner, lease_until = @lease_until
    WHERE id IN (
      SELECT id FROM jobs
      WHERE status = 'pending' AND run_at <= @now
        AND (lease_until IS NULL OR lease_until <= @now)
      ORDER BY run_at, id
      LIMIT @limit)
    RETURNING *`)
  const release = db.prepare<[string]>(`
    UPDATE jobs SET lease_owner = NULL, lease_until = NULL
    WHERE lease_owner = ? AND status = 'pending'`)

  return {
    /** Rows come back in no particular order (RETURNING does not follow the subquery). */
    claimJobs(owner: string, limit: number, leaseMs: number, now: number): JobRow[] {
      return claim.all({ owner, now, lease_until: now + leaseMs, limit })
    },
    releaseLeases(owner: string): number {
      return release.run(owner).changes
    },
  }
}
