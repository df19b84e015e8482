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

export interface LocationRow {
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

export interface CompanyRow {
  company_id: string
  state: string
  state_reason: string | null
  installed_at: number
  updated_at: number
}

export function toStoredLocation(r: LocationRow): StoredLocation {
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

export function toStoredCompany(r: CompanyRow): StoredCompany {
  return {
    companyId: r.company_id,
    state: r.state as StoredCompany['state'],
    stateReason: r.state_reason,
    installedAt: Number(r.installed_at),
    updatedAt: Number(r.updated_at),
  }
}
