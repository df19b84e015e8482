import { locationInScope, type Scope } from '../../../common/scope.js'
import { configEntry, type LocationEntry } from '../../../locations/index.js'
import type { RouteDeps } from '../../deps.js'

/**
 * A scope resolved against the locations known now (issue 28): which location keys (what
 * jobs carry: a YAML name, or an installed location's HighLevel id) it holds. A company's
 * locations are those the registry lists under its `companyId`, so a location installed
 * later joins at once; a YAML location has no company and is only in scope `all` or in an
 * explicit list naming its locationId.
 */
export interface ScopeView {
  readonly scope: Scope
  /** true for scope `all`: nothing is filtered */
  readonly all: boolean
  /** the location keys in scope (every key when `all`) */
  readonly keys: readonly string[]
  /** the locations in scope, as the registry lists them */
  readonly entries: readonly LocationEntry[]
  /** "All locations", the location's name, "company <id> (n locations)", or "n locations" */
  readonly displayName: string
  /** whether a location (by key, name or HighLevel id) is in scope; null (no location) only for `all` */
  has(location: string | null | undefined): boolean
}

/** Every location the service knows: the registry's, or the config file's without one. */
export function knownLocations(deps: Pick<RouteDeps, 'locations' | 'config'>): LocationEntry[] {
  return (
    deps.locations?.list() ??
    Object.entries(deps.config.highlevel.locations).map(([name, l]) => configEntry(name, l.locationId))
  )
}

export function scopeView(deps: Pick<RouteDeps, 'locations' | 'config'>, scope: Scope): ScopeView {
  const known = knownLocations(deps)
  const companyOf = new Map(known.map((e) => [e.locationId, e.companyId]))
  const entries = known.filter((e) => locationInScope(scope, e.locationId, (id) => companyOf.get(id) ?? null))
  const all = scope.kind === 'all'
  const names = new Set<string>()
  for (const e of entries) names.add(e.key).add(e.name).add(e.locationId)
  // an explicit id the registry does not know (yet): its jobs carry the id itself
  if (scope.kind === 'locations') for (const id of scope.locationIds) names.add(id)
  return {
    scope,
    all,
    keys: all ? known.map((e) => e.key) : [...new Set([...entries.map((e) => e.key), ...unknownIds(scope, known)])],
    entries,
    displayName: displayName(scope, entries),
    has: (location) => all || (typeof location === 'string' && names.has(location)),
  }
}

function unknownIds(scope: Scope, known: readonly LocationEntry[]): string[] {
  if (scope.kind !== 'locations') return []
  return scope.locationIds.filter((id) => !known.some((e) => e.locationId === id))
}

function displayName(scope: Scope, entries: readonly LocationEntry[]): string {
  if (scope.kind === 'all') return 'All locations'
  if (scope.kind === 'company') {
    const n = entries.length
    return `Company ${scope.companyId} (${n} location${n === 1 ? '' : 's'})`
  }
  if (entries.length === 1 && scope.locationIds.length === 1) return entries[0]!.name
  if (scope.locationIds.length <= 3 && entries.length === scope.locationIds.length)
    return entries.map((e) => e.name).join(', ')
  const n = scope.locationIds.length
  return `${n} location${n === 1 ? '' : 's'}`
}
