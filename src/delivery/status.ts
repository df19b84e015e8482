import type { AuthHealthStatus } from './auth-health.js'
import type { LocationBudgetStatus } from './budget.js'
import type { CircuitStatus } from './circuit.js'

/** One location as readiness, admin views and metrics see it: the budget's pause, an open circuit or failing auth. */
export interface LocationStatus extends LocationBudgetStatus {
  circuitOpen: boolean
  authFailing: boolean
}

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Folds the circuit and auth state into the budget's per-location view: either holds the
 * location back as surely as a 429 pause does, so each shows as `paused` with its reason.
 */
export function locationStatuses(
  budget: LocationBudgetStatus[],
  circuits: CircuitStatus[],
  auth: AuthHealthStatus[],
): LocationStatus[] {
  const byId = new Map<string, LocationStatus>(
    budget.map((l) => [l.locationId, { ...l, circuitOpen: false, authFailing: false }]),
  )
  const entry = (locationId: string): LocationStatus => {
    const found = byId.get(locationId)
    if (found) return found
    const made: LocationStatus = {
      locationId,
      paused: false,
      pausedUntil: null,
      reason: null,
      used: 0,
      capacity: 0,
      dailyRemaining: null,
      http429: 0,
      circuitOpen: false,
      authFailing: false,
    }
    byId.set(locationId, made)
    return made
  }
  for (const c of circuits) {
    if (!c.open) continue
    const l = entry(c.locationId)
    l.paused = true
    l.circuitOpen = true
    l.pausedUntil = Math.max(l.pausedUntil ?? 0, c.probeAt as number)
    l.reason = `circuit open since ${iso(c.openedAt as number)}: ${c.lastError ?? 'HighLevel keeps failing'}`
  }
  for (const a of auth) {
    const l = entry(a.locationId)
    l.paused = true
    l.authFailing = true
    if (a.nextTryAt !== null) l.pausedUntil = Math.max(l.pausedUntil ?? 0, a.nextTryAt)
    l.reason = `auth failing since ${iso(a.failingSince)}: ${a.lastErrorCode}: ${a.lastErrorMessage}`
  }
  return [...byId.values()]
}
