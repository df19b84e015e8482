import type { LocationConfig } from '../config-schema.js'
import { OAuthAuth, type OAuthAuthOptions, type OAuthTokenStore } from './oauth.js'
import { PrivateIntegrationAuth } from './private-integration.js'
import type { AuthProvider } from './types.js'

export interface AuthDeps {
  store: OAuthTokenStore
  exchange: OAuthAuthOptions['exchange']
  now?: () => number
}

/** One provider per configured location (config name → provider), each with its own credentials. */
export function createLocationAuths(
  locations: Record<string, LocationConfig>,
  deps: AuthDeps,
): Map<string, AuthProvider> {
  const map = new Map<string, AuthProvider>()
  for (const [name, location] of Object.entries(locations)) {
    const { auth } = location
    if (auth.type === 'private-integration') {
      map.set(name, new PrivateIntegrationAuth(location.locationId, auth.token))
      continue
    }
    map.set(
      name,
      new OAuthAuth({
        locationId: location.locationId,
        clientId: auth.clientId,
        clientSecret: auth.clientSecret,
        refreshToken: auth.refreshToken,
        refreshMarginMs: auth.refreshMarginMs,
        userType: auth.userType,
        store: deps.store,
        exchange: deps.exchange,
        now: deps.now,
      }),
    )
  }
  return map
}
