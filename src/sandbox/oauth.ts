import { randomBytes } from 'node:crypto'
import type { SandboxClock } from './clock.js'
import { appIdOf, companyOfChoice, type InstallChoice, type SandboxInstalls } from './installs.js'
import type { RouteResult } from './router.js'

export type TokenUserType = 'Location' | 'Company'

/** Whom a token speaks for: a location, or an agency (company) that mints location tokens. */
export interface TokenSubject {
  clientId: string
  userType: TokenUserType
  companyId: string
  /** Location tokens only */
  locationId?: string
}

interface Grant extends TokenSubject {
  used: boolean
  /** uninstalled since: refused with HighLevel's "not installed" words even after a reinstall */
  revoked: boolean
}

const SCOPES = 'contacts.readonly contacts.write locations.readonly oauth.readonly oauth.write'
const token = (prefix: string): string => `${prefix}-${randomBytes(24).toString('base64url')}`

export const badRequest = (message: string): RouteResult => ({
  status: 400,
  body: { statusCode: 400, message, error: 'Bad Request' },
})
/** HighLevel's shape (statusCode, message) with the OAuth fields beside it. */
const invalidGrant = (description: string, error = 'invalid_grant'): RouteResult => ({
  status: 400,
  body: { statusCode: 400, message: description, error, error_description: description },
})

/**
 * POST /oauth/token as HighLevel runs it: the client id and secret must match; an
 * authorization code (from the choose-location page) is single use; each refresh token works
 * once (a spent one is refused, which is what makes losing a rotated token fatal) and every
 * exchange issues a new pair; a refresh for an uninstalled app or an inactive location fails
 * with HighLevel's words, which tagrelay must show rather than retry forever.
 */
export class SandboxOAuth {
  readonly #grants = new Map<string, Grant>()
  readonly #access = new Map<string, TokenSubject & { expiresAt: number }>()

  constructor(
    readonly clients: Record<string, string>,
    readonly clock: SandboxClock,
    readonly installs: SandboxInstalls,
    readonly accessTokenTtlSec = 86_399,
  ) {}

  /** A fresh refresh token for an app installed on a location (what a finished install yields). */
  issueRefreshToken(clientId: string, locationId: string, companyId?: string): string {
    if (!Object.hasOwn(this.clients, clientId)) throw new Error(`sandbox: unknown OAuth client ${clientId}`)
    this.installs.install(appIdOf(clientId), `loc:${locationId}`)
    const refresh = token('rt')
    const company = companyId ?? this.installs.location(locationId)?.companyId ?? 'sandboxCompany000001'
    this.#grants.set(refresh, {
      clientId,
      userType: 'Location',
      companyId: company,
      locationId,
      used: false,
      revoked: false,
    })
    return refresh
  }

  /** Who an unexpired access token belongs to. */
  subjectOf(accessToken: string): TokenSubject | undefined {
    const entry = this.#access.get(accessToken)
    if (entry === undefined || entry.expiresAt <= this.clock.now()) return undefined
    return entry
  }

  /** The location an unexpired Location access token belongs to. */
  locationOf(accessToken: string): string | undefined {
    return this.subjectOf(accessToken)?.locationId
  }

  /** Makes every issued access token (of one location, or all) expire now: the next call gets 401. */
  expireAccessTokens(locationId?: string): void {
    for (const [key, entry] of this.#access)
      if (locationId === undefined || entry.locationId === locationId) this.#access.delete(key)
  }

  /** Drops every grant and access token of an uninstalled resource (`loc:<id>` or `co:<id>`). */
  revoke(clientIdOrApp: string, resources: readonly string[]): void {
    const gone = new Set(resources)
    const hit = (s: TokenSubject) =>
      appIdOf(s.clientId) === appIdOf(clientIdOrApp) &&
      gone.has(s.userType === 'Company' ? `co:${s.companyId}` : `loc:${s.locationId}`)
    for (const grant of this.#grants.values()) if (hit(grant)) grant.revoked = true
    for (const [key, entry] of this.#access) if (hit(entry)) this.#access.delete(key)
  }

  /** A new token pair for a subject (also what /oauth/locationToken mints). */
  issue(subject: TokenSubject): Record<string, unknown> {
    const access = token('at')
    const refresh = token('rt')
    this.#grants.set(refresh, { ...subject, used: false, revoked: false })
    this.#access.set(access, { ...subject, expiresAt: this.clock.now() + this.accessTokenTtlSec * 1000 })
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: this.accessTokenTtlSec,
      refresh_token: refresh,
      scope: SCOPES,
      userType: subject.userType,
      companyId: subject.companyId,
      ...(subject.locationId === undefined ? {} : { locationId: subject.locationId }),
      userId: 'sandboxUser000000001',
      appId: appIdOf(subject.clientId),
    }
  }

  grant(contentType: string | undefined, body: Buffer): RouteResult {
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) {
      return {
        status: 422,
        body: {
          statusCode: 422,
          message: ['body must be application/x-www-form-urlencoded'],
          error: 'Unprocessable Entity',
        },
      }
    }
    const form = new URLSearchParams(body.toString('utf8'))
    const clientId = form.get('client_id') ?? ''
    const secret = form.get('client_secret') ?? ''
    if (!Object.hasOwn(this.clients, clientId) || this.clients[clientId] !== secret) {
      return { status: 401, body: { statusCode: 401, message: 'Invalid client credentials', error: 'Unauthorized' } }
    }
    const userType = form.get('user_type')
    if (userType !== null && userType !== 'Location' && userType !== 'Company')
      return badRequest('user_type must be Location or Company')
    switch (form.get('grant_type')) {
      case 'authorization_code':
        return this.#exchangeCode(clientId, form, userType)
      case 'refresh_token':
        return this.#refresh(clientId, form.get('refresh_token') ?? '', userType)
      default:
        return badRequest('grant_type must be authorization_code or refresh_token')
    }
  }

  #exchangeCode(clientId: string, form: URLSearchParams, userType: TokenUserType | null): RouteResult {
    const choice = this.installs.redeem(form.get('code') ?? '', clientId, form.get('redirect_uri'))
    if (choice === null) return invalidGrant('Invalid authorization code')
    const subject = subjectFor(clientId, choice, userType ?? choice.userType)
    if (subject === null) return invalidGrant('user_type does not fit this install', 'invalid_request')
    const tokens = this.issue(subject)
    if (choice.userType === 'Company')
      return { status: 200, body: { ...tokens, isBulkInstallation: true, approvedLocations: choice.locationIds } }
    return { status: 200, body: tokens }
  }

  #refresh(clientId: string, refresh: string, userType: TokenUserType | null): RouteResult {
    const grant = this.#grants.get(refresh)
    if (grant === undefined || grant.used || grant.clientId !== clientId)
      return invalidGrant('Invalid grant: refresh token is invalid')
    if (userType !== null && userType !== grant.userType) return invalidGrant('user_type does not match the token')
    const appId = appIdOf(clientId)
    if (grant.userType === 'Location') {
      const locationId = grant.locationId ?? ''
      if (!this.installs.isActive(locationId)) return invalidGrant('Location is not active')
      if (grant.revoked || !this.installs.isInstalled(appId, `loc:${locationId}`))
        return invalidGrant('This app is not installed on this location')
    } else if (grant.revoked || !this.installs.isInstalled(appId, `co:${grant.companyId}`)) {
      return invalidGrant('This app is not installed on this company')
    }
    grant.used = true
    const { userType: type, companyId, locationId } = grant
    return { status: 200, body: this.issue({ clientId, userType: type, companyId, locationId }) }
  }
}

function subjectFor(clientId: string, choice: InstallChoice, userType: TokenUserType): TokenSubject | null {
  const companyId = companyOfChoice(choice)
  if (choice.userType === 'Location')
    return userType === 'Location' ? { clientId, userType, companyId, locationId: choice.locationId } : null
  if (userType === 'Company') return { clientId, userType, companyId }
  const [only, ...rest] = choice.locationIds
  return only !== undefined && rest.length === 0 ? { clientId, userType, companyId, locationId: only } : null
}
