import { TagrelayError } from '../errors.js'

export class UnknownSourceError extends TagrelayError {
  constructor(source: string) {
    super('TAGRELAY_UNKNOWN_SOURCE', `no source named "${source}" is configured`, 404)
  }
}

export class MissingTokenError extends TagrelayError {
  constructor(source: string, where: string) {
    super('TAGRELAY_MISSING_TOKEN', `source "${source}" requires a token (${where})`, 401)
  }
}

export class BadCredentialError extends TagrelayError {
  constructor(source: string) {
    super('TAGRELAY_BAD_TOKEN', `the token sent for source "${source}" does not match`, 401)
  }
}

/** A source with per-location credentials asked to verify a request that names no location. */
export class NoLocationCredentialError extends TagrelayError {
  constructor(source: string) {
    super(
      'TAGRELAY_LOCATION_CREDENTIAL_NEEDED',
      `source "${source}" has per-location credentials: post to /hooks/${source}/<location> with that location's secret`,
      401,
    )
  }
}

export class MissingSignatureError extends TagrelayError {
  constructor(source: string, header: string) {
    super('TAGRELAY_MISSING_SIGNATURE', `source "${source}" requires a signature in the ${header} header`, 401)
  }
}

/** Deliberately vague: which part failed (format, digest, secret) is for the log, not the sender. */
export class BadSignatureError extends TagrelayError {
  readonly reason: string
  constructor(source: string, reason: string) {
    super('TAGRELAY_BAD_SIGNATURE', `the signature sent for source "${source}" does not verify`, 401)
    this.reason = reason
  }
}

export class StaleTimestampError extends TagrelayError {
  constructor(source: string, skewSeconds: number, toleranceSeconds: number) {
    const when = skewSeconds > 0 ? `${skewSeconds}s in the future` : `${-skewSeconds}s old`
    super(
      'TAGRELAY_STALE_TIMESTAMP',
      `the signed timestamp for source "${source}" is ${when} (tolerance ${toleranceSeconds}s)`,
      401,
    )
  }
}

export class DuplicateHeaderError extends TagrelayError {
  constructor(source: string, header: string) {
    super(
      'TAGRELAY_DUPLICATE_HEADER',
      `the ${header} header was sent more than once for source "${source}"; refusing to pick one`,
      400,
    )
  }
}

export class BadBodyError extends TagrelayError {
  constructor(message: string) {
    super('TAGRELAY_BAD_BODY', message, 400)
  }
}

export class UnsupportedMediaTypeError extends TagrelayError {
  constructor(contentType: string) {
    super(
      'TAGRELAY_UNSUPPORTED_MEDIA_TYPE',
      `content type "${contentType}" is not supported (send JSON, application/x-www-form-urlencoded or multipart/form-data)`,
      415,
    )
  }
}

export class UnsupportedCharsetError extends TagrelayError {
  constructor(charset: string) {
    super('TAGRELAY_UNSUPPORTED_CHARSET', `charset "${charset}" is not supported (use utf-8 or iso-8859-1)`, 415)
  }
}

export class BodyTooLargeError extends TagrelayError {
  constructor(source: string, limit: number) {
    super('TAGRELAY_BODY_TOO_LARGE', `the body is larger than the ${limit} bytes source "${source}" accepts`, 413)
  }
}

export class TooDeepError extends TagrelayError {
  constructor(limit: number) {
    super('TAGRELAY_TOO_DEEP', `the body nests deeper than ${limit} levels`, 400)
  }
}

export class TooWideError extends TagrelayError {
  constructor(limit: number) {
    super('TAGRELAY_TOO_WIDE', `the body holds more than ${limit} keys or elements`, 413)
  }
}

export class RateLimitedError extends TagrelayError {
  /** whole seconds the sender should wait, for the Retry-After header */
  readonly retryAfter: number
  constructor(source: string, retryAfter: number) {
    super('TAGRELAY_RATE_LIMITED', `source "${source}" is over its request rate; retry in ${retryAfter}s`, 429)
    this.retryAfter = retryAfter
  }
}

export class BadVerifyTokenError extends TagrelayError {
  constructor(source: string) {
    super('TAGRELAY_BAD_VERIFY_TOKEN', `the subscription handshake for source "${source}" failed`, 403)
  }
}

export class NoHandshakeError extends TagrelayError {
  constructor(source: string) {
    super(
      'TAGRELAY_NO_HANDSHAKE',
      `source "${source}" has no GET subscription handshake configured (see sources.<name>.handshake)`,
      405,
    )
  }
}
