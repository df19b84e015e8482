import { Pool, type Dispatcher } from 'undici'
import type { z } from 'zod'
import type { LocationAuth } from './auth/types.js'
import { parseJson, readText, scrubSecret } from './body.js'
import { DEFAULT_HIGHLEVEL_TIMEOUT_MS } from './config-schema.js'
import { errorFromResponse, HighLevelResponseError, HighLevelUnauthorizedError } from './errors.js'
import { hasRateLimit, parseRateLimit, type RateLimitInfo } from './ratelimit.js'
import { errorFromTransport } from './transport.js'

export const HIGHLEVEL_API_VERSION = '2021-07-28'

export interface HttpOptions {
  baseUrl: string | URL
  dispatcher?: Dispatcher
  connectTimeoutMs?: number
  timeoutMs?: number
  connections?: number
  onRateLimit?: (locationId: string, info: RateLimitInfo) => void
  /** Called after every call with its route template, HTTP status (or 'error') and duration (metrics). */
  onResponse?: (call: { route: string; status: number | 'error'; ms: number }) => void
}

export interface Call<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  /** Route template for error messages: the real path can carry an email address. */
  route: string
  body?: unknown
  /** form-urlencoded instead of JSON (the OAuth token endpoint) */
  form?: Record<string, string>
  schema: S
}

/**
 * One undici Pool with keep-alive to HighLevel, no redirects (undici follows none unless
 * told), timeouts on connect, headers and body. Every answer's rate-limit headers are
 * kept per location. A 401 asks the location's auth to refresh and tries once more.
 */
export class HighLevelHttp {
  readonly #dispatcher: Dispatcher
  readonly #ownsDispatcher: boolean
  readonly #origin: string
  readonly #basePath: string
  readonly #timeoutMs: number
  readonly #rateLimits = new Map<string, RateLimitInfo>()
  readonly #onRateLimit: HttpOptions['onRateLimit']
  readonly #onResponse: HttpOptions['onResponse']

  constructor(options: HttpOptions) {
    const url = new URL(options.baseUrl)
    this.#origin = url.origin
    this.#basePath = url.pathname.replace(/\/+$/, '')
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_HIGHLEVEL_TIMEOUT_MS
    this.#onRateLimit = options.onRateLimit
    this.#onResponse = options.onResponse
    this.#ownsDispatcher = options.dispatcher === undefined
    this.#dispatcher =
      options.dispatcher ??
      new Pool(this.#origin, {
        connections: options.connections ?? 10,
        connect: { timeout: options.connectTimeoutMs ?? 5_000 },
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      })
  }

  lastRateLimit(locationId: string): RateLimitInfo | null {
    const info = this.#rateLimits.get(locationId)
    return info === undefined ? null : { ...info }
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close()
  }

  /** An authenticated API call; on 401 one refresh and one more try. */
  async call<S extends z.ZodType>(auth: LocationAuth, call: Call<S>): Promise<z.infer<S>> {
    const token = await auth.accessToken()
    try {
      return await this.send(call, token, auth.locationId)
    } catch (err) {
      if (!(err instanceof HighLevelUnauthorizedError) || auth.refresh === undefined) throw err
      if (!(await auth.refresh({ reason: 'unauthorized', rejectedToken: token }))) throw err
      return this.send(call, await auth.accessToken(), auth.locationId)
    }
  }

  /** One request. `secrets` are scrubbed from any body kept on an error. */
  async send<S extends z.ZodType>(
    call: Call<S>,
    token: string | null,
    locationId: string | null,
    secrets: string[] = [],
  ): Promise<z.infer<S>> {
    const headers: Record<string, string> = { version: HIGHLEVEL_API_VERSION, accept: 'application/json' }
    if (token !== null) headers.authorization = `Bearer ${token}`
    let payload: string | null = null
    if (call.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      payload = new URLSearchParams(call.form).toString()
    } else if (call.body !== undefined) {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(call.body)
    }

    let status: number | undefined
    let text: string
    const started = performance.now()
    let responseHeaders: Dispatcher.ResponseData['headers']
    try {
      const response = await this.#dispatcher.request({
        origin: this.#origin,
        path: this.#basePath + call.path,
        method: call.method,
        headers,
        body: payload,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      })
      status = response.statusCode
      responseHeaders = response.headers
      const rateLimit = parseRateLimit(responseHeaders)
      if (locationId !== null && hasRateLimit(rateLimit)) {
        this.#rateLimits.set(locationId, rateLimit)
        this.#onRateLimit?.(locationId, { ...rateLimit })
      }
      text = await readText(response.body, status)
    } catch (err) {
      throw errorFromTransport(err, this.#origin) ?? err
    } finally {
      this.#onResponse?.({ route: call.route, status: status ?? 'error', ms: performance.now() - started })
    }

    const json = parseJson(text)
    let body = json.ok ? json.value : json.text
    for (const secret of token === null ? secrets : [token, ...secrets]) body = scrubSecret(body, secret)
    if (status < 200 || status >= 300) throw errorFromResponse(status, body, responseHeaders)
    if (!json.ok) {
      throw new HighLevelResponseError(`HighLevel ${call.route} answered ${status} with a non-JSON body`, {
        status,
        responseBody: body,
      })
    }
    const parsed = call.schema.safeParse(json.value)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
      throw new HighLevelResponseError(
        `HighLevel ${call.route} answered ${status} with an unexpected body: ${issues}`,
        {
          status,
          responseBody: body,
        },
      )
    }
    return parsed.data
  }
}
