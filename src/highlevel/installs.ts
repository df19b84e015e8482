import { z } from 'zod'
import type { IssuedTokens } from './auth/oauth.js'
import type { HighLevelHttp } from './http.js'

const grantSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().positive(),
  userType: z.enum(['Location', 'Company']),
  companyId: z.string().nullish(),
  locationId: z.string().nullish(),
  approvedLocations: z.array(z.string()).nullish(),
})

const installedSchema = z.looseObject({
  locations: z.array(
    z.looseObject({ _id: z.string().min(1), name: z.string().nullish(), isInstalled: z.boolean().nullish() }),
  ),
  count: z.number().int().min(0).nullish(),
})

/** What a code exchange gave: a Location token (one sub-account) or a Company (agency) token. */
export interface InstallGrant extends IssuedTokens {
  userType: 'Location' | 'Company'
  companyId: string | null
  locationId: string | null
  /** the locations chosen at a Company install, when HighLevel says (a bulk install does not) */
  approvedLocations: string[] | null
}

export interface InstalledLocation {
  locationId: string
  name: string | null
}

/** Largest page `/oauth/installedLocations` serves. */
const PAGE = 500

/**
 * The OAuth app's install calls: exchanging an authorization code, listing the locations
 * an agency installed the app on, and minting a location's token from the agency's.
 */
export class HighLevelInstalls {
  constructor(private readonly http: HighLevelHttp) {}

  async exchangeCode(req: {
    clientId: string
    clientSecret: string
    code: string
    redirectUri: string
    userType: 'Location' | 'Company'
  }): Promise<InstallGrant> {
    const a = await this.http.send(
      {
        method: 'POST',
        path: '/oauth/token',
        route: 'POST /oauth/token',
        form: {
          client_id: req.clientId,
          client_secret: req.clientSecret,
          grant_type: 'authorization_code',
          code: req.code,
          user_type: req.userType,
          redirect_uri: req.redirectUri,
        },
        schema: grantSchema,
      },
      null,
      null,
      [req.clientSecret, req.code],
    )
    return {
      accessToken: a.access_token,
      refreshToken: a.refresh_token,
      expiresInSec: a.expires_in,
      userType: a.userType,
      companyId: a.companyId ?? null,
      locationId: a.locationId ?? null,
      approvedLocations: a.approvedLocations ?? null,
    }
  }

  /** Every location of the agency the app is installed on, page by page. */
  async installedLocations(companyToken: string, companyId: string, appId: string): Promise<InstalledLocation[]> {
    const all: InstalledLocation[] = []
    for (let skip = 0; ; skip += PAGE) {
      const q = new URLSearchParams({ companyId, appId, isInstalled: 'true', skip: String(skip), limit: String(PAGE) })
      const page = await this.http.send(
        {
          method: 'GET',
          path: `/oauth/installedLocations?${q}`,
          route: 'GET /oauth/installedLocations',
          schema: installedSchema,
        },
        companyToken,
        null,
      )
      for (const l of page.locations) if (l.isInstalled !== false) all.push({ locationId: l._id, name: l.name ?? null })
      if (page.locations.length < PAGE || (page.count != null && skip + PAGE >= page.count)) return all
    }
  }

  /** A location's token minted with the agency's (POST /oauth/locationToken). */
  async locationToken(companyToken: string, companyId: string, locationId: string): Promise<IssuedTokens> {
    const a = await this.http.send(
      {
        method: 'POST',
        path: '/oauth/locationToken',
        route: 'POST /oauth/locationToken',
        form: { companyId, locationId },
        schema: grantSchema.extend({ userType: z.string().nullish() }),
      },
      companyToken,
      null,
    )
    return { accessToken: a.access_token, refreshToken: a.refresh_token, expiresInSec: a.expires_in }
  }
}
