import type { Database } from 'better-sqlite3'
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

const locationParams = (l: StoredLocation) => ({
  location_id: l.locationId,
  name: l.name,
  company_id: l.companyId,
  token_source: l.tokenSource,
  state: l.state,
  state_reason: l.stateReason,
  disabled: l.disabled ? 1 : 0,
  installed_at: Math.round(l.installedAt),
  updated_at: Math.round(l.updatedAt),
})

/**
 * Stored locations and the scheduler's queries on SQLite. Writes run on the main
 * connection in `BEGIN IMMEDIATE` like the queue's (they are rare: installs, admin).
 */
export class SqliteLocationDirectory implements LocationDirectory, JobAgenda {
  readonly #db: Database
  readonly #q

  constructor(db: Database) {
    this.#db = db
    this.#q = {
      list: db.prepare<[number], LocationRow>('SELECT * FROM locations WHERE updated_at > ? ORDER BY location_id'),
      get: db.prepare<[string], LocationRow>('SELECT * FROM locations WHERE location_id = ?'),
      save: db.prepare<ReturnType<typeof locationParams>>(`
        INSERT INTO locations (location_id, name, company_id, token_source, state, state_reason, disabled, installed_at, updated_at)
        VALUES (@location_id, @name, @company_id, @token_source, @state, @state_reason, @disabled, @installed_at, @updated_at)
        ON CONFLICT (location_id) DO UPDATE SET
          name = excluded.name, company_id = excluded.company_id, token_source = excluded.token_source,
          state = excluded.state, state_reason = excluded.state_reason, disabled = excluded.disabled,
          installed_at = excluded.installed_at, updated_at = excluded.updated_at`),
      remove: db.prepare<{ id: string; reason: string; now: number }>(`
        UPDATE locations SET state = 'removed', state_reason = @reason, updated_at = @now WHERE location_id = @id`),
      killJobs: db.prepare<{ id: string; reason: string; now: number }>(`
        UPDATE jobs SET status = 'dead', last_error = @reason, lease_owner = NULL, lease_until = NULL, updated_at = @now
        WHERE location = @id AND status = 'pending'`),
      getCompany: db.prepare<[string], CompanyRow>('SELECT * FROM companies WHERE company_id = ?'),
      saveCompany: db.prepare<CompanyRow>(`
        INSERT INTO companies (company_id, state, state_reason, installed_at, updated_at)
        VALUES (@company_id, @state, @state_reason, @installed_at, @updated_at)
        ON CONFLICT (company_id) DO UPDATE SET state = excluded.state, state_reason = excluded.state_reason,
          installed_at = excluded.installed_at, updated_at = excluded.updated_at`),
      due: db.prepare<{ now: number; limit: number }, { location: string }>(`
        SELECT DISTINCT location FROM jobs
        WHERE status = 'pending' AND run_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
        LIMIT @limit`),
      next: db.prepare<[string, number], { at: number | null }>(`
        SELECT min(at) AS at FROM (
          SELECT CASE WHEN lease_until IS NOT NULL AND lease_until > run_at THEN lease_until ELSE run_at END AS at
          FROM jobs WHERE location = ? AND status = 'pending') WHERE at > ?`),
    }
  }

  async listLocations(since = -1): Promise<StoredLocation[]> {
    return this.#q.list.all(since).map(toStoredLocation)
  }

  async getLocation(locationId: string): Promise<StoredLocation | undefined> {
    const row = this.#q.get.get(locationId)
    return row === undefined ? undefined : toStoredLocation(row)
  }

  async saveLocation(location: StoredLocation): Promise<void> {
    this.#db.transaction(() => this.#q.save.run(locationParams(location))).immediate()
  }

  async saveLocations(locations: StoredLocation[]): Promise<void> {
    this.#db.transaction(() => locations.forEach((l) => this.#q.save.run(locationParams(l)))).immediate()
  }

  async removeLocation(locationId: string, reason: string, now: number): Promise<number> {
    return this.#db
      .transaction(() => {
        this.#q.remove.run({ id: locationId, reason, now })
        return this.#q.killJobs.run({ id: locationId, reason, now }).changes
      })
      .immediate()
  }

  async getCompany(companyId: string): Promise<StoredCompany | undefined> {
    const row = this.#q.getCompany.get(companyId)
    return row === undefined ? undefined : toStoredCompany(row)
  }

  async saveCompany(c: StoredCompany): Promise<void> {
    const row: CompanyRow = {
      company_id: c.companyId,
      state: c.state,
      state_reason: c.stateReason,
      installed_at: Math.round(c.installedAt),
      updated_at: Math.round(c.updatedAt),
    }
    this.#db.transaction(() => this.#q.saveCompany.run(row)).immediate()
  }

  async dueLocations(now: number, limit: number): Promise<string[]> {
    return this.#q.due.all({ now, limit }).map((r) => r.location)
  }

  async nextDueAt(location: string, after = Number.MIN_SAFE_INTEGER): Promise<number | null> {
    return this.#q.next.get(location, after)?.at ?? null
  }
}
