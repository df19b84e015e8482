import {
  HighLevelOAuthRefreshError,
  HighLevelUnauthorizedError,
  OAuthAuth,
  seedHash,
  type AppConfig,
  type HighLevelInstallGoneError,
  type HighLevelInstalls,
  type IssuedTokens,
  type OAuthAuthOptions,
  type OAuthTokenStore,
} from '../highlevel/index.js'

/** What every pair that grew from an install is marked with (YAML chains use their seed token's hash). */
export const INSTALL_SEED = seedHash('tagrelay:oauth-install')

export const companyTokenKey = (companyId: string): string => `company:${companyId}`

export interface InstalledAuthDeps {
  app: AppConfig
  tokens: OAuthTokenStore
  exchange: OAuthAuthOptions['exchange']
  installs: HighLevelInstalls
  now?: () => number
}

/**
 * Credentials of installed locations and agencies, built over the same single-flight,
 * persisted rotation as YAML OAuth locations (OAuthAuth): a refresh runs under the
 * store's lock (an advisory lock on PostgreSQL, so replicas never spend a refresh token
 * twice) and the new pair is saved before its access token is used.
 *
 * - a Location install: its own chain, started by the code exchange;
 * - a location of an agency (Company) install: a token minted from the agency's with
 *   /oauth/locationToken when it has none, refreshed on its own chain after, minted
 *   again if that chain is refused;
 * - the agency: its Company chain, under `company:<companyId>` in the token store.
 */
export class InstalledAuths {
  readonly #companies = new Map<string, OAuthAuth>()

  constructor(private readonly deps: InstalledAuthDeps) {}

  #base(locationId: string, onGone: (err: HighLevelInstallGoneError) => void): OAuthAuthOptions {
    const { app, tokens, exchange, now } = this.deps
    return {
      locationId,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      refreshToken: '',
      seedHash: INSTALL_SEED,
      refreshMarginMs: app.refreshMarginMs,
      // a location's token; company() asks for the agency's
      userType: 'Location',
      store: tokens,
      exchange,
      now,
      onGone,
    }
  }

  location(locationId: string, onGone: (err: HighLevelInstallGoneError) => void): OAuthAuth {
    return new OAuthAuth({
      ...this.#base(locationId, onGone),
      mint: async () => {
        throw new HighLevelOAuthRefreshError(
          `location ${locationId} has no token yet: the app's install has not reached /oauth/callback (install it again if this lasts)`,
        )
      },
    })
  }

  companyLocation(
    companyId: string,
    locationId: string,
    onGone: (err: HighLevelInstallGoneError) => void,
    onCompanyGone: (err: HighLevelInstallGoneError) => void,
  ): OAuthAuth {
    const mint = async (): Promise<IssuedTokens> => {
      const company = this.company(companyId, onCompanyGone)
      const token = await company.accessToken()
      try {
        return await this.deps.installs.locationToken(token, companyId, locationId)
      } catch (err) {
        // the agency's access token expired or was revoked early: its chain refreshes once
        if (!(err instanceof HighLevelUnauthorizedError)) throw err
        await company.refresh({ reason: 'unauthorized', rejectedToken: token })
        return this.deps.installs.locationToken(await company.accessToken(), companyId, locationId)
      }
    }
    return new OAuthAuth({ ...this.#base(locationId, onGone), mint })
  }

  company(companyId: string, onGone: (err: HighLevelInstallGoneError) => void): OAuthAuth {
    let auth = this.#companies.get(companyId)
    if (!auth) {
      auth = new OAuthAuth({
        ...this.#base(companyId, onGone),
        tokenKey: companyTokenKey(companyId),
        userType: 'Company',
        mint: async () => {
          throw new HighLevelOAuthRefreshError(`agency ${companyId} has no token: install the app on it again`)
        },
      })
      this.#companies.set(companyId, auth)
    }
    return auth
  }
}
