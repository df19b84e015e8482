import { fromRow, upsert, type Row } from './rows.js'
import { q, SqlRole } from './sql.js'

/**
 * Locations that live in the store (installed through HighLevel's OAuth app, managed
 * through the admin API). What the scheduler asks of the queue is the queue's (queue.ts).
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

export interface StoredCompany extends Pick<StoredLocation, 'stateReason' | 'installedAt' | 'updatedAt'> {
  companyId: string
  state: 'active' | 'revoked' | 'removed'
}

const toStoredLocation = (r: Row): StoredLocation => ({
  ...fromRow<StoredLocation>(r),
  tokenSource: r.token_source === 'company' ? 'company' : 'location',
  disabled: r.disabled === true || r.disabled === 1,
})

const SAVE_LOCATION = upsert(
  'locations',
  'location_id, name, company_id, token_source, state, state_reason, disabled, installed_at, updated_at',
  'location_id',
)

const SAVE_COMPANY = upsert('companies', 'company_id, state, state_reason, installed_at, updated_at', 'company_id')

/** Stored locations over either store. Writes are rare (installs, admin). */
export class DirectorySql extends SqlRole {
  /** every stored location (removed ones too, so replicas see removals), or those changed after `since` */
  async listLocations(since = -1): Promise<StoredLocation[]> {
    const rows = await this.sql.all<Row>('SELECT * FROM locations WHERE updated_at > $1 ORDER BY location_id', [since])
    return rows.map(toStoredLocation)
  }

  async getLocation(locationId: string): Promise<StoredLocation | undefined> {
    const row = await this.sql.get<Row>('SELECT * FROM locations WHERE location_id = $1', [locationId])
    return row && toStoredLocation(row)
  }

  /** inserts or replaces the whole row */
  async saveLocation(location: StoredLocation): Promise<void> {
    await this.saveLocations([location])
  }

  /** the same for many rows, in one transaction (an agency's install) */
  async saveLocations(locations: StoredLocation[]): Promise<void> {
    await this.sql.write(function* () {
      for (const l of locations) yield* q.run(SAVE_LOCATION.text, SAVE_LOCATION.values(l))
    })
  }

  /**
   * Marks the location removed (with `reason`) and turns its pending jobs into dead
   * letters carrying the reason, in one transaction; returns how many jobs.
   */
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
    const row = await this.sql.get<Row>('SELECT * FROM companies WHERE company_id = $1', [companyId])
    return row && fromRow<StoredCompany>(row)
  }

  async saveCompany(c: StoredCompany): Promise<void> {
    await this.sql.run(SAVE_COMPANY.text, SAVE_COMPANY.values(c))
  }
}
