import type { Logger } from 'pino'
import {
  createLocationAuths,
  type AppConfig,
  type HighLevelInstallGoneError,
  type LocationAuth,
  type LocationConfig,
  type OAuthAuthOptions,
  type HighLevelInstalls,
} from '../highlevel/index.js'
import type { LocationDirectory, LocationState, StoredLocation, TokenStore } from '../store/index.js'
import { InstalledAuths } from './installed-auth.js'

/** One location as the service sees it, from the YAML file or installed (the store). */
export interface LocationEntry {
  /** what its jobs carry: the YAML name, or the HighLevel locationId of an install */
  key: string
  name: string
  locationId: string
  origin: 'config' | 'installed'
  disabled: boolean
  state: LocationState
  stateReason: string | null
  installedAt: number | null
  companyId: string | null
  tokenSource: 'config' | 'location' | 'company'
}

export interface RegistryDeps {
  locations: Record<string, LocationConfig>
  app?: AppConfig
  directory: LocationDirectory
  tokens: TokenStore
  exchange: OAuthAuthOptions['exchange']
  installs: HighLevelInstalls
  logger: Logger
  /** how often to read locations other replicas changed (one query for those changed since) */
  syncMs?: number
  now?: () => number
  /** a location may deliver again (enabled, reinstalled): the scheduler wakes it */
  onRunnable?: (key: string) => void
}

/** how far back a sync looks before the newest change it has seen (replicas' clocks differ a little) */
const SYNC_OVERLAP_MS = 5_000

const DELIVERING: ReadonlySet<LocationState> = new Set(['active', 'awaiting-token'])

/**
 * Every location, YAML and installed, by the key its jobs carry; what the delivery
 * engine, the webhook route and the admin API ask. Changes (installs, renames, disables,
 * removals) go to the store first, then here, so they hold without a restart and
 * survive one; other replicas read them at their next sync (or at once, on a miss).
 */
/** A YAML location as the registry (and the admin API without a registry) lists it. */
export function configEntry(name: string, locationId: string): LocationEntry {
  return {
    key: name,
    name,
    locationId,
    origin: 'config',
    disabled: false,
    state: 'active',
    stateReason: null,
    installedAt: null,
    companyId: null,
    tokenSource: 'config',
  }
}

export class LocationRegistry {
  readonly #deps: RegistryDeps
  readonly #entries = new Map<string, LocationEntry>()
  readonly #auths = new Map<string, LocationAuth>()
  readonly #byName = new Map<string, string>()
  readonly #byLocationId = new Map<string, string>()
  readonly #installed: InstalledAuths | undefined
  readonly #now: () => number
  #syncedTo = -1
  /** the updatedAt of each stored row as last applied */
  readonly #seen = new Map<string, number>()
  #timer: NodeJS.Timeout | undefined

  constructor(deps: RegistryDeps) {
    this.#deps = deps
    this.#now = deps.now ?? Date.now
    this.#installed = deps.app
      ? new InstalledAuths({ app: deps.app, tokens: deps.tokens, exchange: deps.exchange, installs: deps.installs })
      : undefined
    const auths = createLocationAuths(deps.locations, { store: deps.tokens, exchange: deps.exchange })
    for (const [name, l] of Object.entries(deps.locations)) {
      this.#put(configEntry(name, l.locationId))
      this.#auths.set(name, auths.get(name)!)
    }
  }

  get installedAuths(): InstalledAuths | undefined {
    return this.#installed
  }

  /** Reads the installed locations, then keeps reading what other replicas change. */
  async start(): Promise<void> {
    await this.sync()
    if (this.#deps.syncMs !== 0) {
      this.#timer = setInterval(() => {
        this.sync().catch((err: unknown) => this.#deps.logger.error({ err }, 'reading installed locations failed'))
      }, this.#deps.syncMs ?? 10_000)
      this.#timer.unref()
    }
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  async sync(): Promise<void> {
    // a little overlap: another replica's clock may run behind; a row seen already is skipped
    const rows = await this.#deps.directory.listLocations(this.#syncedTo - SYNC_OVERLAP_MS)
    for (const row of rows) if (this.#seen.get(row.locationId) !== row.updatedAt) this.#apply(row)
  }

  // --- what the delivery engine asks (LocationLookup) ---

  get(key: string): LocationAuth | undefined {
    const e = this.#entries.get(key)
    if (e === undefined || e.state === 'removed') return undefined
    let auth = this.#auths.get(key)
    if (auth === undefined && this.#installed) {
      const gone = (err: HighLevelInstallGoneError) => void this.markGone(key, err)
      auth =
        e.tokenSource === 'company' && e.companyId !== null
          ? this.#installed.companyLocation(e.companyId, e.locationId, gone, (err) => this.#companyGone(e, err))
          : this.#installed.location(e.locationId, gone)
      this.#auths.set(key, auth)
    }
    return auth
  }

  *keys(): Iterable<string> {
    for (const [key, e] of this.#entries) if (e.state !== 'removed') yield key
  }

  deliverable(key: string): boolean {
    const e = this.#entries.get(key)
    return e === undefined || (!e.disabled && DELIVERING.has(e.state))
  }

  async refresh(key: string): Promise<void> {
    if (this.#entries.has(key)) return
    const row = await this.#deps.directory.getLocation(key)
    if (row) this.#apply(row)
  }

  // --- what routes ask ---

  /** By key, HighLevel locationId or name; removed ones too (the caller says why they are refused). */
  resolve(segment: string): LocationEntry | undefined {
    const key = this.#entries.has(segment) ? segment : (this.#byLocationId.get(segment) ?? this.#byName.get(segment))
    return key === undefined ? undefined : this.#entries.get(key)
  }

  /** Like resolve, but asks the store on a miss (another replica may have installed it). */
  async lookup(segment: string): Promise<LocationEntry | undefined> {
    const found = this.resolve(segment)
    if (found !== undefined || this.#installed === undefined) return found
    await this.refresh(segment)
    return this.resolve(segment)
  }

  list(): LocationEntry[] {
    return [...this.#entries.values()].map((e) => ({ ...e }))
  }

  /** Whether `name` is free for `key` (names are unique, so a URL may use them). */
  nameFree(name: string, key: string): boolean {
    const holder = this.#byName.get(name) ?? (this.#entries.get(name) ? name : undefined)
    return holder === undefined || holder === key
  }

  /** Saves a stored location (install, rename, disable...) and applies it here. */
  async save(row: StoredLocation): Promise<LocationEntry> {
    await this.#deps.directory.saveLocation(row)
    return this.#apply(row)
  }

  /** Saves many stored locations in one transaction (an agency's install) and applies them. */
  async saveAll(rows: StoredLocation[]): Promise<LocationEntry[]> {
    await this.#deps.directory.saveLocations(rows)
    return rows.map((row) => this.#apply(row))
  }

  /** Removes an installed location: its pending jobs become dead letters with `reason`. */
  async remove(key: string, reason: string): Promise<number> {
    const n = await this.#deps.directory.removeLocation(key, reason, this.#now())
    const row = await this.#deps.directory.getLocation(key)
    if (row) this.#apply(row)
    return n
  }

  /** HighLevel said the install is gone: shown as such, its pending jobs dead-lettered with the reason. */
  async markGone(key: string, err: HighLevelInstallGoneError): Promise<void> {
    const e = this.#entries.get(key)
    if (e === undefined || !DELIVERING.has(e.state)) return
    const state: LocationState = err.reason === 'inactive' ? 'inactive' : 'revoked'
    this.#deps.logger.warn({ location: key, state, reason: err.message }, 'HighLevel install gone; deliveries stop')
    const now = this.#now()
    e.state = state
    e.stateReason = err.message
    try {
      const dead = await this.#deps.directory.removeLocation(key, err.message, now)
      if (e.origin === 'installed') {
        const row = await this.#deps.directory.getLocation(key)
        if (row) await this.save({ ...row, state, stateReason: err.message, updatedAt: now })
      }
      if (dead > 0) this.#deps.logger.warn({ location: key, jobs: dead }, 'pending jobs moved to the dead letters')
    } catch (error) {
      this.#deps.logger.error({ err: error, location: key }, 'recording a gone install failed')
    }
  }

  #companyGone(e: LocationEntry, err: HighLevelInstallGoneError): void {
    if (e.companyId === null) return
    for (const other of this.#entries.values()) if (other.companyId === e.companyId) void this.markGone(other.key, err)
  }

  #apply(row: StoredLocation): LocationEntry {
    this.#syncedTo = Math.max(this.#syncedTo, row.updatedAt)
    this.#seen.set(row.locationId, row.updatedAt)
    const before = this.#entries.get(row.locationId)
    if (before?.origin === 'config') return before
    const entry: LocationEntry = {
      key: row.locationId,
      name: row.name,
      locationId: row.locationId,
      origin: 'installed',
      disabled: row.disabled,
      state: row.state,
      stateReason: row.stateReason,
      installedAt: row.installedAt,
      companyId: row.companyId,
      tokenSource: row.tokenSource,
    }
    if (before && before.name !== entry.name) this.#byName.delete(before.name)
    if (before?.tokenSource !== entry.tokenSource || before.companyId !== entry.companyId) this.#auths.delete(entry.key)
    this.#put(entry)
    const wasRunnable = before !== undefined && !before.disabled && DELIVERING.has(before.state)
    if (!wasRunnable && this.deliverable(entry.key)) this.#deps.onRunnable?.(entry.key)
    return entry
  }

  #put(e: LocationEntry): void {
    this.#entries.set(e.key, e)
    this.#byName.set(e.name, e.key)
    if (e.origin === 'installed' || !this.#byLocationId.has(e.locationId)) this.#byLocationId.set(e.locationId, e.key)
  }
}
