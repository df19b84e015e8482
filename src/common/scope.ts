/**
 * What one admin credential or console session may see (issue 28): everything (the global
 * `admin.token` / `admin.viewerToken`), one HighLevel company (all of its installed
 * locations, as they are now, so a location installed later joins the scope), or a fixed
 * list of locations. The role says whether it may change anything. A scope names HighLevel
 * ids, never tagrelay's location names, because names can be renamed and ids cannot.
 */
export type Scope =
  { kind: 'all' } | { kind: 'company'; companyId: string } | { kind: 'locations'; locationIds: readonly string[] }

export type AdminRole = 'admin' | 'viewer'

export const EVERYTHING: Scope = Object.freeze({ kind: 'all' })

/**
 * Whether a location is inside a scope. `companyOf` answers the company a location is
 * installed under (null for a location from the config file, which belongs to no company).
 */
export function locationInScope(
  scope: Scope,
  locationId: string,
  companyOf: (locationId: string) => string | null,
): boolean {
  switch (scope.kind) {
    case 'all':
      return true
    case 'company':
      return companyOf(locationId) === scope.companyId
    case 'locations':
      return scope.locationIds.includes(locationId)
  }
}
