import { Pool, type Dispatcher } from 'undici'
import type { z } from 'zod'
import { parseJson, readText, scrubSecret } from './body.js'
import { errorFromResponse, HighLevelResponseError } from './errors.js'
import { hasRateLimit, parseRateLimit, type RateLimitInfo } from './ratelimit.js'
import {
  addTagsResponseSchema, duplicateSearchResponseSchema, type HighLevelContact,
} from './schemas.js'
import { errorFromTransport } from './transport.js'

export const HIGHLEVEL_API_VERSION = '2021-07-28'

/** Credentials for one sub-account, resolved per call so tokens can rotate or refresh. */
export interface LocationAuth {
  locationId: string
  accessToken(): string | Promise<string>
}

export interface HighLevelClientOptions {
  /** e.g. https://services.leadconnectorhq.com; a path in it prefixes every request. */
  baseUrl: string | URL
  /** Used instead of the client's own Pool (tests, proxies); the client never closes it. */
  dispatcher?: Dispatcher
  connectTimeoutMs?: number
  /** Headers timeout and body (idle) timeout, each. */
  timeoutMs?: number
  connections?: number
}

interface Call<S extends z.ZodType> {
  method: 'GET' | 'POST'
  path: string
  /** Route template for error messages: the real path can carry an email address. */
  route: string
  body?: unknown
  schema: S
}

export class HighLevelClient {
  readonly #dispatcher: Dispatcher
  readonly #ownsDispatcher: boolean
  readonly #origin: string
  readonly #basePath: string
  readonly #timeoutMs: number
  readonly #rateLimits = new Map<string, RateLimitInfo>()

  constructor(options: HighLevelClientOptions) {
    const url = new URL(options.baseUrl)
    this.#origin = url.origin
    this.#basePath = url.pathname.replace(/\/+$/, '')
    this.#timeoutMs = options.timeoutMs ?? 15_000
    this.#ownsDispatcher = options.dispatcher === undefined
    this.#dispatcher = options.dispatcher ?? new Pool(this.#origin, {
      connections: options.connections ?? 10,
      connect: { timeout: options.connectTimeoutMs ?? 5_000 },
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    })
  }

  /** POST /contacts/{contactId}/tags; answers all of the contact's tags. */
  async addTags(auth: LocationAuth, contactId: string, tags: string[]): Promise<{ tags: string[] }> {
    if (contactId === '') throw new TypeError('contactId must not be empty')
    const result = await this.#call(auth, {
      method: 'POST',
      path: `/contacts/${encodeURIComponent(contactId)}/tags`,
      route: 'POST /contacts/:contactId/tags',
      body: { tags },
      schema: addTagsResponseSchema,
    })
    return { ...result }
  }

  /** GET /contacts/search/duplicate by email; null when no contact matches. */
  async findContactByEmail(auth: LocationAuth, email: string): Promise<HighLevelContact | null> {
    const query = new URLSearchParams({ locationId: auth.locationId, email })
    const result = await this.#call(auth, {
      method: 'GET',
      path: `/contacts/search/duplicate?${query.toString()}`,
      route: 'GET /contacts/search/duplicate',
      schema: duplicateSearchResponseSchema,
    })
    return result.contact === null ? null : { ...result.contact }
  }

  /** Latest rate-limit headers seen for the location; null before any answer carried them. */
  lastRateLimit(locationId: string): RateLimitInfo | null {
    const info = this.#rateLimits.get(locationId)
    return info === undefined ? null : { ...info }
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close()
  }

  async #call<S extends z.ZodType>(auth: LocationAuth, call: Call<S>): Promise<z.infer<S>> {
    const token = await auth.accessToken()
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      version: HIGHLEVEL_API_VERSION,
      accept: 'application/json',
    }
    if (call.body !== undefined) headers['content-type'] = 'application/json'

    let status: number
    let text: string
    let responseHeaders: Dispatcher.ResponseData['headers']
    try {
      const response = await this.#dispatcher.request({
        origin: this.#origin,
        path: this.#basePath + call.path,
        method: call.method,
        headers,
        body: call.body === undefined ? null : JSON.stringify(call.body),
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      })
      status = response.statusCode
      responseHeaders = response.headers
      const rateLimit = parseRateLimit(responseHeaders)
      if (hasRateLimit(rateLimit)) this.#rateLimits.set(auth.locationId, rateLimit)
      text = await readText(response.body, status)
    } catch (err) {
      throw errorFromTransport(err, this.#origin) ?? err
    }

    const json = parseJson(text)
    const body = scrubSecret(json.ok ? json.value : json.text, token)
    if (status < 200 || status >= 300) throw errorFromResponse(status, body, responseHeaders)
    if (!json.ok) {
      throw new HighLevelResponseError(`HighLevel ${call.route} answered ${status} with a non-JSON body`, {
        status, responseBody: body,
      })
    }
    const parsed = call.schema.safeParse(json.value)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
      throw new HighLevelResponseError(`HighLevel ${call.route} answered ${status} with an unexpected body: ${issues}`, {
        status, responseBody: body,
      })
    }
    return parsed.data
  }
}
