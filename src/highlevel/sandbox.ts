import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HIGHLEVEL_API_VERSION } from './client.js'
import { faultBody, RateCounters, readRequestBody, sendJson } from './sandbox-http.js'
import { addTagsRoute, duplicateSearchRoute, matchRoute, type RouteResult } from './sandbox-routes.js'
import { ContactStore, type SandboxContact, type SeedContactInput } from './sandbox-store.js'

export type { SandboxContact, SeedContactInput } from './sandbox-store.js'

export interface SandboxLogger {
  info(obj: Record<string, unknown>, msg?: string): void
}

export interface SandboxOptions {
  host?: string
  port?: number
  /** bearer token -> the locationId it belongs to */
  tokens: Record<string, string>
  logger?: SandboxLogger
}

export interface SandboxCalls {
  total: number
  [routeKey: string]: number
}

export interface Sandbox {
  readonly url: string
  readonly port: number
  /** Requests seen per route key ('unmatched' for unknown routes); a snapshot. */
  readonly calls: SandboxCalls
  seedContact(input: SeedContactInput): SandboxContact
  getContact(id: string): SandboxContact | undefined
  findByEmail(locationId: string, email: string): SandboxContact | null
  listContacts(locationId?: string): SandboxContact[]
  /** The next `times` requests answer `status` with a HighLevel-shaped (or the given) body. */
  failNext(status: number, times?: number, body?: unknown): void
  close(): Promise<void>
}

const INVALID_JWT = { statusCode: 401, message: 'Invalid JWT', error: 'Unauthorized' }

/**
 * A local HighLevel stand-in for the add-tags and duplicate-search endpoints.
 * Checks run in this order: body size (413), injected faults, bearer token (401),
 * Version header (400), route (404), JSON syntax (400), body/query validation (422),
 * location access (403), contact existence (400).
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const store = new ContactStore()
  const counters = new RateCounters()
  const calls: SandboxCalls = { total: 0 }
  const faults: { status: number; remaining: number; body: unknown }[] = []
  const tokenLocation = (token: string | undefined) =>
    token !== undefined && Object.hasOwn(options.tokens, token) ? options.tokens[token] : undefined

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid')
    const route = matchRoute(method, url.pathname)
    const key = route?.key ?? 'unmatched'
    calls[key] = (calls[key] ?? 0) + 1
    calls.total++
    const auth = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')
    const location = tokenLocation(auth?.[1]?.trim())
    const rateHeaders = counters.consume(location ?? '')
    const reply = (r: RouteResult, extra: Record<string, string> = {}) => {
      sendJson(res, r.status, r.body, { ...rateHeaders, ...extra })
      return r.status
    }

    const read = await readRequestBody(req)
    if (read.tooLarge) {
      return reply({ status: 413, body: { statusCode: 413, message: 'request entity too large', error: 'Payload Too Large' } },
        { connection: 'close' })
    }
    const fault = faults[0]
    if (fault !== undefined) {
      if (--fault.remaining <= 0) faults.shift()
      return reply({ status: fault.status, body: fault.body }, fault.status === 429 ? { 'retry-after': '1' } : {})
    }
    if (location === undefined) return reply({ status: 401, body: INVALID_JWT })
    const version = req.headers.version
    if (version !== HIGHLEVEL_API_VERSION) {
      const message = version === undefined ? 'Version header was not found' : 'Version header is invalid'
      return reply({ status: 400, body: { statusCode: 400, message } })
    }
    if (route === null) {
      return reply({ status: 404, body: { statusCode: 404, message: `Cannot ${method} ${url.pathname}`, error: 'Not Found' } })
    }
    if (route.key === 'GET /contacts/search/duplicate') return reply(duplicateSearchRoute(store, location, url.searchParams))

    let body: unknown = {}
    // Like HighLevel's body parser: non-JSON content types leave the body empty.
    if (/\bjson\b/i.test(req.headers['content-type'] ?? '') && read.body.length > 0) {
      try {
        body = JSON.parse(read.body.toString('utf8'))
      } catch (err) {
        return reply({ status: 400, body: { statusCode: 400, message: (err as Error).message } })
      }
    }
    return reply(addTagsRoute(store, location, route.contactId ?? '', body))
  }

  const server = createServer((req, res) => {
    const started = Date.now()
    handle(req, res).then(
      (status) => options.logger?.info({ method: req.method, path: req.url?.split('?')[0], status, ms: Date.now() - started }, 'sandbox request'),
      (err: unknown) => {
        options.logger?.info({ method: req.method, err: (err as Error).message }, 'sandbox request failed')
        sendJson(res, 500, { statusCode: 500, message: 'Internal server error' })
      },
    ).catch(() => undefined) // a throwing logger must not take the sandbox down
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
    seedContact: (input) => store.seed(input),
    getContact: (id) => store.get(id),
    findByEmail: (locationId, email) => store.findByEmail(locationId, email),
    listContacts: (locationId) => store.list(locationId),
    failNext(status, times = 1, body) {
      if (times > 0) faults.push({ status, remaining: times, body: body ?? faultBody(status) })
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      }),
  }
}
