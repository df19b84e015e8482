import { codes } from '../../../errors.js'
import type { LocationEntry } from '../../../locations/index.js'
import type { LocationQueue } from '../../../store/index.js'
import type { RouteDeps } from '../../deps.js'

type Failing = ReturnType<NonNullable<NonNullable<RouteDeps['delivery']>['auth']>>[number]
type Sort = 'attention' | 'name' | 'pending' | 'dead' | 'oldest'

/**
 * How much a location needs someone: 0 held back or failing (deliveries stopped), 1 dead
 * letters, 2 jobs pending, 3 nothing to see. Read from maps built once per request, so
 * ordering thousands of locations stays linear plus the sort.
 */
export function sortLocations(
  entries: LocationEntry[],
  deps: Pick<RouteDeps, 'delivery' | 'config'>,
  queues: Map<string, LocationQueue>,
  sort: Sort,
  order: 'asc' | 'desc',
): LocationEntry[] {
  const paused = new Set((deps.delivery?.locations() ?? []).filter((l) => l.paused).map((l) => l.locationId))
  const failing = new Set((deps.delivery?.auth?.() ?? []).map((a) => a.locationId))
  const rank = (e: LocationEntry): number => {
    const q = queues.get(e.key)
    if (e.disabled || e.state !== 'active' || paused.has(e.locationId) || failing.has(e.locationId)) return 0
    if ((q?.dead ?? 0) > 0) return 1
    return (q?.pending ?? 0) > 0 ? 2 : 3
  }
  const key: Record<Sort, (e: LocationEntry) => number> = {
    attention: rank,
    name: () => 0,
    pending: (e) => -(queues.get(e.key)?.pending ?? 0),
    dead: (e) => -(queues.get(e.key)?.dead ?? 0),
    oldest: (e) => queues.get(e.key)?.oldestPendingAt ?? Number.MAX_SAFE_INTEGER,
  }
  const keyed = entries.map((e) => ({ e, k: key[sort](e) }))
  const sign = order === 'desc' ? -1 : 1
  keyed.sort((a, b) => sign * (a.k - b.k || a.e.name.localeCompare(b.e.name)))
  return keyed.map((x) => x.e)
}

/** How contacts are looked up at a location, and when Search Contacts was refused, why in words. */
export function lookups(searchRefused: boolean, failing: Failing | undefined): string {
  if (!searchRefused) return 'batched Search Contacts, then a duplicate search for whom it misses'
  if (
    failing?.lastErrorCode === codes.TAGRELAY_HL_UNAUTHORIZED ||
    failing?.lastErrorCode === codes.TAGRELAY_HL_OAUTH_REFRESH_FAILED
  )
    return 'duplicate search per person: Search Contacts was refused because the token is bad or was revoked (401), not for a missing scope'
  return 'duplicate search per person (Search Contacts was refused with 403: the app may lack contacts.readonly)'
}
