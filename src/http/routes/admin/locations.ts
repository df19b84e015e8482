import type { FastifyInstance } from 'fastify'
import type { LocationConfig } from '../../../config/index.js'
import type { LocationQueue, Store } from '../../../store/index.js'
import type { RouteDeps } from '../../deps.js'
import { iso } from './times.js'

type AuthFailure = ReturnType<NonNullable<NonNullable<RouteDeps['delivery']>['auth']>>[number]

/**
 * What can be said about a location's credentials without showing any of them. What the
 * delivery engine saw comes first: a stored pair can look valid while every refresh fails.
 */
async function authState(location: LocationConfig, store: Store, now: number, failing: AuthFailure | undefined) {
  const { auth } = location
  if (failing)
    return {
      type: auth.type,
      state: 'failing: deliveries to this location are held back until a call succeeds',
      failingSince: iso(failing.failingSince),
      lastError: { code: failing.lastErrorCode, message: failing.lastErrorMessage },
      nextTryAt: iso(failing.nextTryAt),
    }
  if (auth.type === 'private-integration')
    return { type: auth.type, state: 'static token (never expires; a 401 needs a new token in the config)' }
  const stored = await store.loadOAuthTokens(location.locationId)
  if (!stored || stored.clientId !== auth.clientId) {
    return {
      type: auth.type,
      state: 'no token yet: the first delivery exchanges the configured refresh token',
      accessTokenExpiresAt: null,
      refreshedAt: null,
    }
  }
  return {
    type: auth.type,
    state: stored.expiresAt > now ? 'access token valid' : 'access token expired: the next delivery refreshes it',
    accessTokenExpiresAt: iso(stored.expiresAt),
    refreshedAt: iso(stored.updatedAt),
  }
}

/**
 * GET /admin/locations: per configured HighLevel location, its delivery queue, the rate
 * budget HighLevel last reported, whether deliveries are held back and why, and the
 * state of its credentials (kind and expiry, never a token).
 */
export function locationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/admin/locations', async () => {
    const now = Date.now()
    const queues = new Map<string, LocationQueue>((await deps.store.queueStats()).map((q) => [q.location, q]))
    const locations = await Promise.all(
      Object.entries(deps.config.highlevel.locations).map(async ([name, location]) => {
        const q = queues.get(name)
        const budget = deps.rateLimits?.lastRateLimit(location.locationId) ?? null
        const engine = deps.delivery?.locations().find((l) => l.locationId === location.locationId)
        const pausedBecause = !deps.config.delivery.enabled
          ? 'delivery.enabled is false in this process'
          : engine?.paused
            ? `${engine.reason ?? 'paused by the delivery engine'}${engine.pausedUntil === null ? '' : ` (until ${iso(engine.pausedUntil)})`}`
            : budget?.dailyRemaining === 0
              ? 'HighLevel daily request budget spent'
              : budget?.remaining === 0
                ? 'HighLevel burst window spent; resumes when the window resets'
                : null
        return {
          name,
          locationId: location.locationId,
          queue: {
            pending: q?.pending ?? 0,
            dead: q?.dead ?? 0,
            oldestPendingAt: iso(q?.oldestPendingAt),
            oldestPendingAgeSec:
              q?.oldestPendingAt == null ? 0 : Math.max(0, Math.round((now - q.oldestPendingAt) / 1000)),
          },
          rateLimit: budget,
          paused: pausedBecause !== null,
          pausedReason: pausedBecause,
          lookups: deps.delivery?.searchRefused?.().includes(location.locationId)
            ? 'duplicate search per person (Search Contacts was refused: the app may lack contacts.readonly)'
            : 'batched Search Contacts, then a duplicate search for whom it misses',
          auth: await authState(
            location,
            deps.store,
            now,
            deps.delivery?.auth?.().find((a) => a.locationId === location.locationId),
          ),
        }
      }),
    )
    return { locations }
  })
}
