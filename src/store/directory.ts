import { q, type Sql } from './sql.js'

/**
 * Locations that live in the store (installed through HighLevel's OAuth app, managed
 * through the admin API) and what the scheduler asks of the queue. Both are
 * capabilities of every store, apart from the main contract so that a consumer (the
 * locations module, the delivery scheduler) takes only what it uses.
 */

/** Where a stored location stands. `awaiting-token`: an INSTALL webhook came before the code exchange. */
export type LocationState = 'active' | 'awaiting-token' | 'inactive' | 'revoked' | 'removed'

export interface StoredLocation {
  /** HighLevel's locationId; also the key its jobs carry */
  locationId: string
  /** the admin's name for it (unique among stored locations; a URL segment may use it) */
  name: string
  /** the agency it was installed through (a Company install), else null */
  companyId: string | null
  /** how its access token is got: its own refresh chain, or minted from the company's token */
  tokenSource: 'location' | 'company'
  state: LocationState
  /** why it is not active (HighLevel's answer, the admin's removal, an UNINSTALL webhook) */
  stateReason: string | null
  disabled: boolean
  /** epoch ms */
  installedAt: number
  updatedAt: number
}

export interface StoredCompany {
  companyId: string
  state: 'active' | 'revoked' | 'removed'
  stateReason: string | null
  installedAt: number
  updatedAt: number
}

export interface LocationDirectory {
  /** every stored location (removed ones too, so replicas see removals), or those changed after `since` */
  listLocations(since?: number): Promise<StoredLocation[]>
  getLocation(locationId: string): Promise<StoredLocation | undefined>
  /** inserts or replaces the whole row */
  saveLocation(location: StoredLocation): Promise<void>
  /** the same for many rows, in one transaction (an agency's install) */
  saveLocations(locations: StoredLocation[]): Promise<void>
  /**
   * Marks the location removed (with `reason`) and turns its pending jobs into dead
   * letters carrying the reason, in one transaction; returns how many jobs.
   */
  removeLocation(locationId: string, reason: string, now: number): Promise<number>
  getCompany(companyId: string): Promise<StoredCompany | undefined>
  saveCompany(company: StoredCompany): Promise<void>
}

/** What the delivery scheduler asks the queue: which locations have due work, and when next. */
export interface JobAgenda {
  /** locations with at least one claimable job at `now` (pending, due, no live lease), at most `limit` */
  dueLocations(now: number, limit: number): Promise<string[]>
  /**
   * when the location's next pending job becomes claimable (its run_at or lease end), null
   * when none. With `after`, only times after it: a job due at `after` that the claim then
   * passed over waits for another job of its person (person-order.ts), whose time counts.
   */
  nextDueAt(location: string, after?: number): Promise<number | null>
}

interface LocationRow {
  location_id: string
  name: string
  company_id: string | null
  token_source: string
  state: string
  state_reason: string | null
  disabled: number | boolean
  installed_at: number
  updated_at: number
}

interface CompanyRow {
  company_id: string
  state: string
  state_reason: string | null
  installed_at: number
  updated_at: number
}

function toStoredLocation(r: LocationRow): StoredLocation {
  return {
    locationId: r.location_id,
    name: r.name,
    companyId: r.company_id,
    tokenSource: r.token_source === 'company' ? 'company' : 'location',
    state: r.state as LocationState,
    stateReason: r.state_reason,
    disabled: r.disabled === true || r.disabled === 1,
    installedAt: Number(r.installed_at),
    updatedAt: Number(r.updated_at),
  }
}

function toStoredCompany(r: CompanyRow): StoredCompany {
  return {
    companyId: r.company_id,
    state: r.state as StoredCompany['state'],
    stateReason: r.state_reason,
    installedAt: Number(r.installed_at),
    updatedAt: Number(r.updated_at),
  }
}

const SAVE_LOCATION = `
  INSERT INTO locations (location_id, name, company_id, token_source, state, state_reason, disabled, installed_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  ON CONFLICT (location_id) DO UPDATE SET
    name = excluded.name, company_id = excluded.company_id, token_source = excluded.token_source,
    state = excluded.state, state_reason = excluded.state_reason, disabled = excluded.disabled,
    installed_at = excluded.installed_at, updated_at = excluded.updated_at`

const locationParams = (l: StoredLocation): unknown[] => [
  l.locationId,
  l.name,
  l.companyId,
  l.tokenSource,
  l.state,
  l.stateReason,
  l.disabled,
  Math.round(l.installedAt),
  Math.round(l.updatedAt),
]

/** Stored locations and the scheduler's queries, over either store. Writes are rare (installs, admin). */
export class DirectorySql implements LocationDirectory, JobAgenda {
  constructor(private readonly sql: Sql) {}

  async listLocations(since = -1): Promise<StoredLocation[]> {
    const rows = await this.sql.all<LocationRow>('SELECT * FROM locations WHERE updated_at > $1 ORDER BY location_id', [
      since,
    ])
    return rows.map(toStoredLocation)
  }

  async getLocation(locationId: string): Promise<StoredLocation | undefined> {
    const row = await this.sql.get<LocationRow>('SELECT * FROM locations WHERE location_id = $1', [locationId])
    return row && toStoredLocation(row)
  }

  async saveLocation(location: StoredLocation): Promise<void> {
    await this.saveLocations([location])
  }

  async saveLocations(locations: StoredLocation[]): Promise<void> {
    await this.sql.write(function* () {
      for (const l of locations) yield* q.run(SAVE_LOCATION, locationParams(l))
    })
  }

  async removeLocation(locationId: string, reason: string, now: number): Promise<number> {
    return this.sql.write(function* () {
      yield* q.run(
        `UPDATE locations SET state = 'removed', state_reason = $2, updated_at = $3 WHERE location_id = $1`,
        [locationId, reason, now],
      )
      return yield* q.run(
        `UPDATE jobs SET status = 'dead', last_error = $2, lease_owner = NULL, lease_until = NULL, updated_at = $3
         WHERE location = $1 AND status = 'pending'`,
        [locationId, reason, now],
      )
    })
  }

  async getCompany(companyId: string): Promise<StoredCompany | undefined> {
    const row = await this.sql.get<CompanyRow>('SELECT * FROM companies WHERE company_id = $1', [companyId])
    return row && toStoredCompany(row)
  }

  async saveCompany(c: StoredCompany): Promise<void> {
    await this.sql.run(
      `INSERT INTO companies (company_id, state, state_reason, installed_at, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (company_id) DO UPDATE SET state = excluded.state, state_reason = excluded.state_reason,
         installed_at = excluded.installed_at, updated_at = excluded.updated_at`,
      [c.companyId, c.state, c.stateReason, Math.round(c.installedAt), Math.round(c.updatedAt)],
    )
  }

  async dueLocations(now: number, limit: number): Promise<string[]> {
    const rows = await this.sql.all<{ location: string }>(
      `SELECT DISTINCT location FROM jobs
       WHERE status = 'pending' AND run_at <= $1 AND (lease_until IS NULL OR lease_until <= $1) LIMIT $2`,
      [now, limit],
    )
    return rows.map((r) => r.location)
  }

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
