import { randomBytes } from 'node:crypto'
import type { SandboxClock } from './clock.js'
import type { RouteResult } from './router.js'

interface Grant {
  clientId: string
  locationId: string
  used: boolean
}

const token = (prefix: string): string => `${prefix}-${randomBytes(24).toString('base64url')}`

const badRequest = (message: string): RouteResult => ({
  status: 400,
  body: { statusCode: 400, message, error: 'Bad Request' },
})

/**
 * POST /oauth/token with grant_type=refresh_token, as HighLevel runs it: the client id and
 * secret must match, each refresh token works once (a spent one is refused, which is what
 * makes losing a rotated token fatal), and every exchange issues a new pair.
 */
export class SandboxOAuth {
  readonly #grants = new Map<string, Grant>()
  readonly #access = new Map<string, { locationId: string; expiresAt: number }>()

  constructor(
    readonly clients: Record<string, string>,
    readonly clock: SandboxClock,
    readonly accessTokenTtlSec = 86_399,
  ) {}

  /** A fresh refresh token for an installed app on a location (what the install flow yields). */
  issueRefreshToken(clientId: string, locationId: string): string {
    if (!Object.hasOwn(this.clients, clientId)) throw new Error(`sandbox: unknown OAuth client ${clientId}`)
    const refresh = token('rt')
    this.#grants.set(refresh, { clientId, locationId, used: false })
    return refresh
  }

  /** The location an unexpired access token belongs to. */
  locationOf(accessToken: string): string | undefined {
    const entry = this.#access.get(accessToken)
    if (entry === undefined || entry.expiresAt <= this.clock.now()) return undefined
    return entry.locationId
  }

  /** Makes every issued access token (of one location, or all) expire now: the next call gets 401. */
  expireAccessTokens(locationId?: string): void {
    for (const [key, entry] of this.#access)
      if (locationId === undefined || entry.locationId === locationId) this.#access.delete(key)
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
    if (form.get('grant_type') !== 'refresh_token')
      return badRequest('Unsupported grant_type: the sandbox issues tokens for refresh_token only')
    const userType = form.get('user_type')
    if (userType !== null && userType !== 'Location') return badRequest('user_type must be Location in the sandbox')
    const refresh = form.get('refresh_token') ?? ''
    const grant = this.#grants.get(refresh)
    if (grant === undefined || grant.used || grant.clientId !== clientId)
      return badRequest('Invalid grant: refresh token is invalid')
    grant.used = true
    const access = token('at')
    const next = token('rt')
    this.#grants.set(next, { clientId, locationId: grant.locationId, used: false })
    this.#access.set(access, {
      locationId: grant.locationId,
      expiresAt: this.clock.now() + this.accessTokenTtlSec * 1000,
    })
    return {
      status: 200,
      body: {
        access_token: access,
        token_type: 'Bearer',
        expires_in: this.accessTokenTtlSec,
        refresh_token: next,
        scope: 'contacts.readonly contacts.write',
        userType: 'Location',
        locationId: grant.locationId,
        companyId: 'sandboxCompany000001',
        userId: 'sandboxUser000000001',
      },
    }
  }
}
