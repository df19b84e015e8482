import { HIGHLEVEL_API_VERSION } from '../highlevel/index.js'
import type { AppWebhookSender } from './app-webhooks.js'
import { appIdOf, companyOfChoice, type InstallChoice, type SandboxInstalls } from './installs.js'
import { badRequest, type SandboxOAuth, type TokenSubject } from './oauth.js'
import type { RouteKey, RouteResult } from './router.js'

export interface OAuthRequest {
  key: RouteKey
  url: URL
  contentType: string | undefined
  version: string | undefined
  bearer: string | undefined
  body: Buffer
}

export interface OAuthParts {
  oauth: SandboxOAuth
  installs: SandboxInstalls
  webhooks: AppWebhookSender
}

const UNAUTHORIZED: RouteResult = {
  status: 401,
  body: { statusCode: 401, message: 'Invalid JWT', error: 'Unauthorized' },
}
const NOT_INSTALLED: RouteResult = badRequest('This app is not installed on this location')
const MAX_PAGE = 500

/**
 * The install side of HighLevel's OAuth: the choose-location page (auto-approving), the
 * code exchange, the agency's list of installed locations and location-token minting. The
 * INSTALL app webhook goes out before the redirect or after the exchange, as the choice says,
 * because HighLevel promises no order and tagrelay must cope with both.
 */
export async function oauthRoute(parts: OAuthParts, req: OAuthRequest): Promise<RouteResult> {
  const { oauth, installs, webhooks } = parts
  if (req.key === 'GET /oauth/chooselocation') return chooseLocation(parts, req.url.searchParams)
  if (req.key === 'POST /oauth/token') {
    const form = new URLSearchParams(req.body.toString('utf8'))
    const code = form.get('grant_type') === 'authorization_code' ? installs.unredeemed(form.get('code') ?? '') : null
    const result = oauth.grant(req.contentType, req.body)
    if (result.status === 200 && code !== null && (code.choice.installWebhook ?? 'after-exchange') === 'after-exchange')
      setImmediate(() => void sendInstall(webhooks, code.clientId, code.choice))
    return result
  }
  if (req.version !== HIGHLEVEL_API_VERSION)
    return badRequest(req.version === undefined ? 'Version header was not found' : 'Version header is invalid')
  const subject = req.bearer === undefined ? undefined : oauth.subjectOf(req.bearer)
  if (subject === undefined || subject.userType !== 'Company') return UNAUTHORIZED
  if (req.key === 'GET /oauth/installedLocations') return installedLocations(installs, subject, req.url.searchParams)
  return locationToken(parts, subject, req)
}

async function chooseLocation(parts: OAuthParts, query: URLSearchParams): Promise<RouteResult> {
  const clientId = query.get('client_id') ?? ''
  const redirectUri = query.get('redirect_uri') ?? ''
  if (query.get('response_type') !== 'code') return badRequest('response_type must be code')
  if (!Object.hasOwn(parts.oauth.clients, clientId)) return badRequest(`unknown client_id ${clientId}`)
  let target: URL
  try {
    target = new URL(redirectUri)
  } catch {
    return badRequest('redirect_uri must be an absolute URL')
  }
  const { code, choice } = parts.installs.approve(clientId, redirectUri)
  if (choice.installWebhook === 'before-redirect') await sendInstall(parts.webhooks, clientId, choice)
  target.searchParams.set('code', code)
  const state = query.get('state')
  if (state !== null) target.searchParams.set('state', state)
  return { status: 302, body: { location: target.href }, headers: { location: target.href } }
}

async function sendInstall(webhooks: AppWebhookSender, clientId: string, choice: InstallChoice): Promise<void> {
  const appId = appIdOf(clientId)
  const companyId = companyOfChoice(choice)
  if (choice.userType === 'Company') await webhooks.send({ type: 'INSTALL', appId, companyId, installType: 'Company' })
  const locations = choice.userType === 'Company' ? choice.locationIds : [choice.locationId]
  for (const locationId of locations)
    await webhooks.send({ type: 'INSTALL', appId, companyId, locationId, installType: choice.userType })
}

function installedLocations(installs: SandboxInstalls, subject: TokenSubject, query: URLSearchParams): RouteResult {
  const companyId = query.get('companyId')
  const appId = query.get('appId')
  if (companyId === null || appId === null) return badRequest('companyId and appId are required')
  if (companyId !== subject.companyId || appId !== appIdOf(subject.clientId)) return UNAUTHORIZED
  const skip = Number(query.get('skip') ?? '0')
  const limit = Number(query.get('limit') ?? '20')
  if (!Number.isInteger(skip) || skip < 0 || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    return badRequest(`skip must be an integer ≥ 0 and limit an integer from 1 to ${MAX_PAGE}`)
  const installedOnly = query.get('isInstalled') === 'true'
  return { status: 200, body: installs.page(appId, companyId, { installedOnly, skip, limit }) }
}

function locationToken(parts: OAuthParts, subject: TokenSubject, req: OAuthRequest): RouteResult {
  let fields: URLSearchParams
  if (/\bjson\b/i.test(req.contentType ?? '')) {
    try {
      fields = new URLSearchParams(JSON.parse(req.body.toString('utf8')) as Record<string, string>)
    } catch {
      return badRequest('body is not JSON')
    }
  } else fields = new URLSearchParams(req.body.toString('utf8'))
  const companyId = fields.get('companyId')
  const locationId = fields.get('locationId')
  if (companyId === null || locationId === null) return badRequest('companyId and locationId are required')
  if (companyId !== subject.companyId) return UNAUTHORIZED
  const location = parts.installs.location(locationId)
  if (location?.companyId !== companyId) return NOT_INSTALLED
  if (!parts.installs.isActive(locationId)) return badRequest('Location is not active')
  if (!parts.installs.isInstalled(appIdOf(subject.clientId), `loc:${locationId}`)) return NOT_INSTALLED
  return {
    status: 200,
    body: parts.oauth.issue({ clientId: subject.clientId, userType: 'Location', companyId, locationId }),
  }
}
