import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { LocationQueue, Store } from '../../../store/index.js'
import type { RouteDeps } from '../../deps.js'
import { iso } from './times.js'
import type { LocationEntry } from '../../../locations/index.js'
import { knownLocations } from './scope-view.js'
import { viewOf } from './scope-guard.js'
import type { LocationConfig } from '../../../config/index.js'
import { badRequest } from './schema-compilers.js'
import { listLocations } from './schemas/locations.js'
import { locationChangeRoutes } from './location-changes.js'
import { reasonInWords } from '../../../common/reasons.js'
import { lookups, sortLocations } from './location-order.js'

type AuthFailure = ReturnType<NonNullable<NonNullable<RouteDeps['delivery']>['auth']>>[number]

/**
 * What can be said about a location's credentials without showing any of them. What the
 * delivery engine saw comes first: a stored pair can look valid while every refresh fails.
 */
async function authState(
  location: Pick<LocationConfig, 'locationId' | 'auth'>,
  store: Pick<Store, 'tokens'>,
  now: number,
  failing: AuthFailure | undefined,
  tokenKey = location.locationId,
) {
  const { auth } = location
  if (failing)
    return {
      type: auth.type,
      state: 'failing: deliveries to this location are held back until a call succeeds',
      failingSince: iso(failing.failingSince),
      lastError: { code: failing.lastErrorCode, message: failing.lastErrorMessage },
      reason: reasonInWords(`${failing.lastErrorCode}: ${failing.lastErrorMessage}`),
      nextTryAt: iso(failing.nextTryAt),
    }
  if (auth.type === 'private-integration')
    return { type: auth.type, state: 'static token (never expires; a 401 needs a new token in the config)' }
  const stored = await store.tokens.loadOAuthTokens(tokenKey).catch(() => undefined)
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

/** The credentials' shape of an installed location, for authState (no secret in it: the store has them). */
function installedAuth(e: LocationEntry, clientId: string) {
  return {
    locationId: e.locationId,
    auth: {
      type: 'oauth' as const,
      clientId,
      clientSecret: '',
      refreshToken: '',
      userType: 'Location' as const,
      refreshMarginMs: 0,
    },
  }
}

/**
 * GET /admin/locations: per location (YAML and installed, by name), its delivery queue,
 * the rate budget HighLevel last reported, whether deliveries are held back and why, and
 * the state of its credentials (kind and expiry, never a token). Installed ones add
 * `origin`, `state`, `installedAt`, `companyId` and the `reconnectUrl`. Paged with
 * `limit` and `after` (`next` is the cursor of the next page).
 */
export function locationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const options = {
    schema: listLocations,
    schemaErrorFormatter: badRequest('query', (issues) => issues.map((i) => i.message)),
  }
  app.withTypeProvider<ZodTypeProvider>().get('/admin/locations', options, async (request) => {
    const asked = request.query
    const now = Date.now()
    const queues = new Map<string, LocationQueue>((await deps.store.jobs.stats()).map((x) => [x.location, x]))
    const typed = asked.q?.toLowerCase()
    const view = viewOf(request, deps)
    // a scoped caller's locations only: the list, the total and the page
    const entries = (view.all ? knownLocations(deps) : [...view.entries]).filter(
      (e) => typed === undefined || e.name.toLowerCase().includes(typed),
    )
    const all = sortLocations(entries, deps, queues, asked.sort, asked.order)
    const from = asked.after === undefined ? 0 : all.findIndex((e) => e.name === asked.after) + 1
    const page = all.slice(from, from + asked.limit)
    // the engine's state, read once per request rather than once per location
    const engines = new Map((deps.delivery?.locations() ?? []).map((l) => [l.locationId, l]))
    const failures = new Map((deps.delivery?.auth?.() ?? []).map((a) => [a.locationId, a]))
    const refusedSearch = new Set(deps.delivery?.searchRefused?.() ?? [])
    const app = deps.config.highlevel.app
    const locations = await Promise.all(
      page.map(async (entry) => {
        const config = deps.config.highlevel.locations[entry.key]
        const location = entry.origin === 'config' && config ? config : installedAuth(entry, app?.clientId ?? '')
        const q = queues.get(entry.key)
        const budget = deps.rateLimits?.lastRateLimit(location.locationId) ?? null
        const engine = engines.get(location.locationId)
        const pausedBecause = !deps.config.delivery.enabled
          ? 'delivery.enabled is false in this process'
          : entry.disabled
            ? 'disabled by an admin: its jobs wait until it is enabled'
            : entry.state !== 'active'
              ? `${entry.state}${entry.stateReason ? `: ${entry.stateReason}` : ''}`
              : engine?.paused
                ? `${engine.reason ?? 'paused by the delivery engine'}${engine.pausedUntil === null ? '' : ` (until ${iso(engine.pausedUntil)})`}`
                : budget?.dailyRemaining === 0
                  ? 'HighLevel daily request budget spent'
                  : budget?.remaining === 0
                    ? 'HighLevel burst window spent; resumes when the window resets'
                    : null
        const failing = failures.get(location.locationId)
        return {
          name: entry.name,
          locationId: location.locationId,
          origin: entry.origin,
          disabled: entry.disabled,
          state: entry.state,
          ...(entry.stateReason ? { stateReason: entry.stateReason } : {}),
          ...(entry.origin === 'installed'
            ? {
                key: entry.key,
                companyId: entry.companyId,
                installedAt: iso(entry.installedAt),
                tokenSource: entry.tokenSource,
                reconnectUrl: app ? '/oauth/install' : null,
              }
            : {}),
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
          lookups: lookups(refusedSearch.has(location.locationId), failing),
          auth: await authState(location, deps.store, now, failing, entry.origin === 'config' ? undefined : entry.key),
        }
      }),
    )
    const next = from + asked.limit < all.length ? page.at(-1)?.name : undefined
    return { locations, total: all.length, ...(next !== undefined ? { next } : {}) }
  })
  locationChangeRoutes(app, deps)
}
