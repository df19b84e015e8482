import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HIGHLEVEL_API_VERSION } from '../highlevel/index.js'
import { SandboxClock } from './clock.js'
import { CONTROL_PREFIX, controlRoute } from './control.js'
import { CUSTOM_PAGE_PATHS, customPageRoute } from './custom-page.js'
import { AppWebhookSender } from './app-webhooks.js'
import { faultBody, FaultInjector } from './faults.js'
import { readRequestBody, sendJson } from './http.js'
import { appIdOf, SandboxInstalls } from './installs.js'
import { SandboxOAuth } from './oauth.js'
import { HIGHLEVEL_LIMITS, RateLimiter } from './ratelimit.js'
import { isOAuthRoute, matchRoute, type RouteMatch, type RouteResult } from './router.js'
import { oauthRoute } from './routes-oauth.js'
import { duplicateSearchRoute, getContactRoute, upsertRoute } from './routes-contacts.js'
import { searchRoute } from './routes-search.js'
import { bulkTagsRoute, tagsRoute } from './routes-tags.js'
import { ContactStore } from './store.js'
import type { Sandbox, SandboxCalls, SandboxOptions } from './types.js'

export type { SandboxContact, SeedContactInput } from './store.js'
export type { FaultSettings, FaultSettingsInput } from './faults.js'
export type { RateLimits } from './ratelimit.js'
export type { InstallChoice } from './installs.js'
export type { AppWebhookSent, AppWebhookBody } from './app-webhooks.js'
export type { Sandbox, SandboxCalls, SandboxLogger, SandboxOptions } from './types.js'

const INVALID_JWT = { statusCode: 401, message: 'Invalid JWT', error: 'Unauthorized' }
const INACTIVE = { statusCode: 401, message: 'Location is not active', error: 'Unauthorized' }

/**
 * A local HighLevel stand-in for the endpoints tagrelay uses, following the official
 * OpenAPI contract (the contract tests check every answer against it). Checks run in
 * this order: body size (413), added latency, injected faults, the OAuth token endpoint,
 * bearer token (401), Version header (400), rate limit (429), route (404), JSON syntax
 * (400), body/query validation (422), location access (403), contact existence (400).
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const clock = new SandboxClock(options.clockScale ?? 1, options.clock)
  const store = new ContactStore()
  const limiter = new RateLimiter({ ...HIGHLEVEL_LIMITS, ...options.limits }, clock)
  const faults = new FaultInjector(options.faults, options.random, () => clock.base.now())
  const installs = new SandboxInstalls(clock)
  const oauth = new SandboxOAuth(options.oauthClients ?? {}, clock, installs, options.accessTokenTtlSec)
  const webhooks = new AppWebhookSender(clock, options.appWebhookUrl, options.webhookSigningKey)
  let calls: SandboxCalls = { total: 0 }
  let rateLimited = 0
  const tokenLocation = (token: string | undefined): string | undefined => {
    if (token === undefined) return undefined
    return Object.hasOwn(options.tokens, token) ? options.tokens[token] : oauth.locationOf(token)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number | string> {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid')
    if (method === 'GET' && CUSTOM_PAGE_PATHS.has(url.pathname))
      return customPageRoute(res, url, { installs, sharedSecret: options.sharedSecret })
    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      const read = await readRequestBody(req)
      const result = controlRoute(
        { faults, store, calls: () => ({ ...calls }) },
        method,
        url,
        read.tooLarge ? Buffer.alloc(0) : read.body,
      )
      sendJson(res, result.status, result.body)
      return result.status
    }
    const route = matchRoute(method, url.pathname)
    const key = route?.key ?? 'unmatched'
    calls[key] = (calls[key] ?? 0) + 1
    calls.total++
    const auth = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')
    const bearer = auth?.[1]?.trim()
    const location = route !== null && isOAuthRoute(route.key) ? undefined : tokenLocation(bearer)
    const rate = location === undefined ? null : limiter.take(location)
    const reply = (r: RouteResult, extra: Record<string, string> = {}) => {
      sendJson(res, r.status, r.body, { ...rate?.headers, ...extra })
      return r.status
    }

    const read = await readRequestBody(req)
    if (read.tooLarge) {
      return reply(
        { status: 413, body: { statusCode: 413, message: 'request entity too large', error: 'Payload Too Large' } },
        { connection: 'close' },
      )
    }
    if (faults.latencyMs > 0) await clock.base.sleep(faults.latencyMs)
    const fault = faults.next()
    if (fault?.kind === 'timeout') return 'timeout' // never answered; close() drops the socket
    if (fault?.kind === 'reset') {
      req.socket.destroy()
      return 'reset'
    }
    if (fault?.kind === 'status') {
      return reply(
        { status: fault.status, body: fault.body },
        fault.retryAfterSec === null ? {} : { 'retry-after': String(fault.retryAfterSec) },
      )
    }
    if (route !== null && isOAuthRoute(route.key)) {
      const version = req.headers.version
      const request = { key: route.key, url, contentType: req.headers['content-type'], bearer, body: read.body }
      const result = await oauthRoute(
        { oauth, installs, webhooks },
        { ...request, version: typeof version === 'string' ? version : undefined },
      )
      return reply(result, result.headers)
    }
    if (location === undefined || rate === null) return reply({ status: 401, body: INVALID_JWT })
    if (!installs.isActive(location)) return reply({ status: 401, body: INACTIVE })
    const version = req.headers.version
    if (version !== HIGHLEVEL_API_VERSION) {
      const message = version === undefined ? 'Version header was not found' : 'Version header is invalid'
      return reply({ status: 400, body: { statusCode: 400, message } })
    }
    if (!rate.allowed) {
      rateLimited++
      return reply({ status: 429, body: faultBody(429) }, { 'retry-after': String(rate.retryAfterSec) })
    }
    if (route === null) {
      return reply({
        status: 404,
        body: { statusCode: 404, message: `Cannot ${method} ${url.pathname}`, error: 'Not Found' },
      })
    }
    if (method === 'GET') return reply(readRoute(route, location, url))

    let body: unknown = {}
    // Like HighLevel's body parser: non-JSON content types leave the body empty.
    if (/\bjson\b/i.test(req.headers['content-type'] ?? '') && read.body.length > 0) {
      try {
        body = JSON.parse(read.body.toString('utf8'))
      } catch (err) {
        return reply({ status: 400, body: { statusCode: 400, message: (err as Error).message } })
      }
    }
    return reply(writeRoute(route, location, body))
  }

  function readRoute(route: RouteMatch, location: string, url: URL): RouteResult {
    if (route.key === 'GET /contacts/search/duplicate') return duplicateSearchRoute(store, location, url.searchParams)
    return getContactRoute(store, location, route.param ?? '')
  }

  function writeRoute(route: RouteMatch, location: string, body: unknown): RouteResult {
    const param = route.param ?? ''
    switch (route.key) {
      case 'POST /contacts/:contactId/tags':
        return tagsRoute(store, location, 'add', param, body)
      case 'DELETE /contacts/:contactId/tags':
        return tagsRoute(store, location, 'remove', param, body)
      case 'POST /contacts/bulk/tags/update/:type':
        return bulkTagsRoute(store, location, param, body)
      case 'POST /contacts/search':
        return searchRoute(store, location, body, { orGroupLimit: options.searchOrGroupLimit ?? 100, now: clock.now() })
      default:
        return upsertRoute(store, location, body, clock.now() + (options.searchIndexDelayMs ?? 3_000))
    }
  }

  const server = createServer((req, res) => {
    const started = Date.now()
    handle(req, res)
      .then(
        (status) =>
          options.logger?.info(
            { method: req.method, path: req.url?.split('?')[0], status, ms: Date.now() - started },
            'sandbox request',
          ),
        (err: unknown) => {
          options.logger?.info({ method: req.method, err: (err as Error).message }, 'sandbox request failed')
          sendJson(res, 500, { statusCode: 500, message: 'Internal server error' })
        },
      )
      .catch(() => undefined) // a throwing logger must not take the sandbox down
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const host = options.host ?? '127.0.0.1'

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    get calls() {
      return { ...calls }
    },
    get rateLimited() {
      return rateLimited
    },
    get injected() {
      return faults.injected
    },
    seedContact: (input) => store.seed(input),
    getContact: (id) => store.get(id),
    deleteContact: (id) => store.delete(id),
    repeatedTagAdds: (id) => store.repeatedAdds(id),
    findByEmail: (locationId, email) => store.findByEmail(locationId, email),
    listContacts: (locationId) => store.list(locationId),
    failNext: (status, times = 1, body) => faults.failNext(status, times, body ?? faultBody(status)),
    setFaults: (input) => faults.set(input),
    issueRefreshToken: (clientId, locationId, companyId) => oauth.issueRefreshToken(clientId, locationId, companyId),
    expireAccessTokens: (locationId) => oauth.expireAccessTokens(locationId),
    webhookPublicKey: webhooks.publicKey,
    chooseInstall: (choice) => installs.choose(choice),
    addCompanyLocations: (companyId, n, prefix) => installs.addCompanyLocations(companyId, n, prefix),
    setAppWebhookUrl: (url) => {
      webhooks.url = url
    },
    get appWebhooksSent() {
      return [...webhooks.sent]
    },
    appWebhooksSettled: () => webhooks.settled(),
    uninstall: async (clientId, target) => {
      const appId = appIdOf(clientId)
      oauth.revoke(clientId, installs.uninstall(appId, target))
      await webhooks.send({ type: 'UNINSTALL', appId, ...target })
    },
    deactivateLocation: (locationId) => installs.deactivate(locationId),
    resetCalls: () => {
      calls = { total: 0 }
      rateLimited = 0
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      }),
  }
}
