import {
  toStoredCompany,
  toStoredLocation,
  type CompanyRow,
  type JobAgenda,
  type LocationDirectory,
  type LocationRow,
  type StoredCompany,
  type StoredLocation,
} from '../directory.js'
import { inTransaction, type Queryable } from './pool.js'
import type pg from 'pg'

/** Stored locations and the scheduler's queries on PostgreSQL (see the SQLite twin). */
export class PostgresLocationDirectory implements LocationDirectory, JobAgenda {
  constructor(private readonly pool: pg.Pool) {}

  async listLocations(since = -1): Promise<StoredLocation[]> {
    const { rows } = await this.pool.query<LocationRow>(
      'SELECT * FROM locations WHERE updated_at > $1 ORDER BY location_id',
      [since],
    )
    return rows.map(toStoredLocation)
  }

  async getLocation(locationId: string): Promise<StoredLocation | undefined> {
    const { rows } = await this.pool.query<LocationRow>('SELECT * FROM locations WHERE location_id = $1', [locationId])
    return rows[0] === undefined ? undefined : toStoredLocation(rows[0])
  }

  async saveLocation(l: StoredLocation): Promise<void> {
    await saveLocation(this.pool, l)
  }

  async saveLocations(locations: StoredLocation[]): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      for (const l of locations) await saveLocation(c, l)
    })
  }

  async removeLocation(locationId: string, reason: string, now: number): Promise<number> {
    return inTransaction(this.pool, async (c) => {
      await c.query(
        `UPDATE locations SET state = 'removed', state_reason = $2, updated_at = $3 WHERE location_id = $1`,
        [locationId, reason, now],
      )
      const killed = await c.query(
        `UPDATE jobs SET status = 'dead', last_error = $2, lease_owner = NULL, lease_until = NULL, updated_at = $3
         WHERE location = $1 AND status = 'pending'`,
        [locationId, reason, now],
      )
      return killed.rowCount ?? 0
    })
  }

  async getCompany(companyId: string): Promise<StoredCompany | undefined> {
    const { rows } = await this.pool.query<CompanyRow>('SELECT * FROM companies WHERE company_id = $1', [companyId])
    return rows[0] === undefined ? undefined : toStoredCompany(rows[0])
  }

  async saveCompany(c: StoredCompany): Promise<void> {
    await this.pool.query(
      `INSERT INTO companies (company_id, state, state_reason, installed_at, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (company_id) DO UPDATE SET state = excluded.state, state_reason = excluded.state_reason,
         installed_at = excluded.installed_at, updated_at = excluded.updated_at`,
      [c.companyId, c.state, c.stateReason, Math.round(c.installedAt), Math.round(c.updatedAt)],
    )
  }

  async dueLocations(now: number, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ location: string }>(
      `SELECT DISTINCT location FROM jobs
       WHERE status = 'pending' AND run_at <= $1 AND (lease_until IS NULL OR lease_until <= $1) LIMIT $2`,
      [now, limit],
    )
    return rows.map((r) => r.location)
  }

  async nextDueAt(location: string, after?: number): Promise<number | null> {
    const { rows } = await this.pool.query<{ at: number | null }>(
      `SELECT min(at) AS at FROM (
         SELECT GREATEST(run_at, COALESCE(lease_until, 0)) AS at FROM jobs WHERE location = $1 AND status = 'pending') t
       WHERE $2::bigint IS NULL OR at > $2`,
      [location, after ?? null],
    )
    return rows[0]?.at ?? null
  }
}

async function saveLocation(db: Queryable, l: StoredLocation): Promise<void> {
  await db.query(
    `INSERT INTO locations (location_id, name, company_id, token_source, state, state_reason, disabled, installed_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (location_id) DO UPDATE SET
       name = excluded.name, company_id = excluded.company_id, token_source = excluded.token_source,
       state = excluded.state, state_reason = excluded.state_reason, disabled = excluded.disabled,
       installed_at = excluded.installed_at, updated_at = excluded.updated_at`,
    [
      l.locationId,
      l.name,
      l.companyId,
      l.tokenSource,
      l.state,
      l.stateReason,
      l.disabled,
      Math.round(l.installedAt),
      Math.round(l.updatedAt),
    ],
  )
}
