import { codes, TagrelayError, type ErrorCode } from '../errors.js'
import { headerValue, type HeaderSource } from './headers.js'
import { errorBodySchema } from './schemas.js'

export interface HighLevelErrorDetails {
  /** HTTP status HighLevel answered, null when no response arrived. */
  status?: number | null
  responseBody?: unknown
  cause?: unknown
}

/**
 * Base of every HighLevel failure. `retryable` tells the delivery worker whether trying
 * the same call later can succeed; `statusCode` is what our own HTTP layer would answer
 * (the catalogue's: 502, the upstream failed us; 504 for timeouts).
 */
export class HighLevelError extends TagrelayError {
  readonly status: number | null
  readonly retryable: boolean
  readonly responseBody: unknown

  constructor(code: ErrorCode, message: string, retryable: boolean, details: HighLevelErrorDetails = {}) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause })
    this.status = details.status ?? null
    this.retryable = retryable
    this.responseBody = details.responseBody
  }
}

/** 401. Retryable for now: a private integration token can be fixed or rotated in config. */
export class HighLevelUnauthorizedError extends HighLevelError {
  constructor(message: string, details: HighLevelErrorDetails = {}) {
    super(codes.TAGRELAY_HL_UNAUTHORIZED, message, true, { status: 401, ...details })
  }
}

/**
 * HighLevel refused an OAuth refresh (spent or revoked refresh token, wrong client
 * secret). Retryable: the jobs are fine; once the operator reconnects the app and sets
 * the new refresh token, they go through.
 */
export class HighLevelOAuthRefreshError extends HighLevelError {
  constructor(message: string, details: HighLevelErrorDetails = {}) {
    super(codes.TAGRELAY_HL_OAUTH_REFRESH_FAILED, message, true, details)
  }
}

export class HighLevelForbiddenError extends HighLevelError {
  constructor(message: string, details: HighLevelErrorDetails = {}) {
    super(codes.TAGRELAY_HL_FORBIDDEN, message, false, { status: 403, ...details })
  }
}

/** 400, 404, 422 and any other 4xx: the same request will fail again. */
export class HighLevelRequestError extends HighLevelError {
  constructor(message: string, details: HighLevelErrorDetails = {}) {
    super(codes.TAGRELAY_HL_BAD_REQUEST, message, false, { status: 400, ...details })
  }
}

export class HighLevelRateLimitedError extends HighLevelError {
  /** From Retry-After when HighLevel sent one (it is undocumented), else null. */
  readonly retryAfterMs: number | null

  constructor(message: string, details: HighLevelErrorDetails & { retryAfterMs?: number | null } = {}) {
    const { retryAfterMs = null, ...rest } = details
    super(codes.TAGRELAY_HL_RATE_LIMITED, message, true, { status: 429, ...rest })
    this.retryAfterMs = retryAfterMs
  }
}

export class HighLevelServerError extends HighLevelError {
  constructor(message: string, details: HighLevelErrorDetails = {}) {
    super(codes.TAGRELAY_HL_SERVER_ERROR, message, true, { status: 500, ...details })
  }
}

export class HighLevelNetworkError extends HighLevelError {
  constructor(message: string, details: HighLevelErrorDetails = {}) {
    super(codes.TAGRELAY_HL_NETWORK, message, true, { status: null, ...details })
  }
}

export class HighLevelTimeoutError extends HighLevelError {
  constructor(message: string, details: HighLevelErrorDetails = {}) {
    super(codes.TAGRELAY_HL_TIMEOUT, message, true, { status: null, ...details })
  }
}

/** A 2xx whose body is not JSON or not the documented shape, or an unexpected status. */
export class HighLevelResponseError extends HighLevelError {
  constructor(message: string, details: HighLevelErrorDetails = {}) {
    super(codes.TAGRELAY_HL_BAD_RESPONSE, message, false, { status: null, ...details })
  }
}

/** Retry-After as delay-seconds or an HTTP date; null when absent or unparsable. */
export function parseRetryAfter(raw: string | undefined, now = Date.now()): number | null {
  if (raw === undefined) return null
  const text = raw.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  if (text === '' || Number.isNaN(at)) return null
  return Math.max(0, at - now)
}

const MAX_MESSAGE = 500

function messageOf(status: number, body: unknown): string {
  const parsed = errorBodySchema.safeParse(body)
  let text: string | undefined
  if (parsed.success) {
    const { message, error } = parsed.data
    text = Array.isArray(message) ? message.join('; ') : message || error
  }
  text ||= `HighLevel answered ${status}`
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}...` : text
}

/** Builds the typed error for a non-2xx HighLevel answer. */
export function errorFromResponse(status: number, body: unknown, headers?: HeaderSource): HighLevelError {
  const message = messageOf(status, body)
  const details = { status, responseBody: body }
  if (status === 401) return new HighLevelUnauthorizedError(message, details)
  if (status === 403) return new HighLevelForbiddenError(message, details)
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'))
    return new HighLevelRateLimitedError(message, { ...details, retryAfterMs })
  }
  if (status >= 400 && status < 500) return new HighLevelRequestError(message, details)
  if (status >= 500) return new HighLevelServerError(message, details)
  // 1xx/3xx: redirects are not followed, so a base URL pointing elsewhere lands here.
  return new HighLevelResponseError(`HighLevel answered unexpected status ${status}: ${message}`, details)
}

/**
 * HighLevel says the install is gone for good: the sub-account was deactivated ("Location
 * is not active") or the app uninstalled ("This app is not installed on this location"),
 * typically on a refresh. Not retried: the same call can only fail until someone
 * reconnects the app, so jobs become dead letters with this reason (replayable then).
 */
export class HighLevelInstallGoneError extends HighLevelError {
  readonly reason: 'inactive' | 'uninstalled'

  constructor(reason: 'inactive' | 'uninstalled', message: string, details: HighLevelErrorDetails = {}) {
    super(codes.TAGRELAY_HL_INSTALL_GONE, message, false, details)
    this.reason = reason
  }
}

/** Which kind of gone an answer says, if any (by HighLevel's wording, in the message or the body). */
export function installGoneReason(err: HighLevelError): 'inactive' | 'uninstalled' | null {
  const text = `${err.message} ${JSON.stringify(err.responseBody ?? '')}`
  if (/location is not active/i.test(text)) return 'inactive'
  if (/not installed on this (location|company)|app (has been|was) uninstalled/i.test(text)) return 'uninstalled'
  return null
}
