import { codes, TagrelayError } from '../errors.js'

export class UnknownSourceError extends TagrelayError {
  constructor(source: string) {
    super(codes.TAGRELAY_UNKNOWN_SOURCE, `no source named "${source}" is configured`)
  }
}

export class MissingTokenError extends TagrelayError {
  constructor(source: string, where: string) {
    super(codes.TAGRELAY_MISSING_TOKEN, `source "${source}" requires a token (${where})`)
  }
}

export class BadCredentialError extends TagrelayError {
  constructor(source: string) {
    super(codes.TAGRELAY_BAD_TOKEN, `the token sent for source "${source}" does not match`)
  }
}

/** A source with per-location credentials asked to verify a request that names no location. */
export class NoLocationCredentialError extends TagrelayError {
  constructor(source: string) {
    super(
      codes.TAGRELAY_LOCATION_CREDENTIAL_NEEDED,
      `source "${source}" has per-location credentials: post to /hooks/${source}/<location> with that location's secret`,
    )
  }
}

export class MissingSignatureError extends TagrelayError {
  constructor(source: string, header: string) {
    super(codes.TAGRELAY_MISSING_SIGNATURE, `source "${source}" requires a signature in the ${header} header`)
  }
}

/** Deliberately vague: which part failed (format, digest, secret) is for the log, not the sender. */
export class BadSignatureError extends TagrelayError {
  readonly reason: string
  constructor(source: string, reason: string) {
    super(codes.TAGRELAY_BAD_SIGNATURE, `the signature sent for source "${source}" does not verify`)
    this.reason = reason
  }
}

export class StaleTimestampError extends TagrelayError {
  constructor(source: string, skewSeconds: number, toleranceSeconds: number) {
    const when = skewSeconds > 0 ? `${skewSeconds}s in the future` : `${-skewSeconds}s old`
    super(
      codes.TAGRELAY_STALE_TIMESTAMP,
      `the signed timestamp for source "${source}" is ${when} (tolerance ${toleranceSeconds}s)`,
    )
  }
}

export class DuplicateHeaderError extends TagrelayError {
  constructor(source: string, header: string) {
    super(
      codes.TAGRELAY_DUPLICATE_HEADER,
      `the ${header} header was sent more than once for source "${source}"; refusing to pick one`,
    )
  }
}

export class BadBodyError extends TagrelayError {
  constructor(message: string) {
    super(codes.TAGRELAY_BAD_BODY, message)
  }
}

export class UnsupportedMediaTypeError extends TagrelayError {
  constructor(contentType: string) {
    super(
      codes.TAGRELAY_UNSUPPORTED_MEDIA_TYPE,
      `content type "${contentType}" is not supported (send JSON, application/x-www-form-urlencoded or multipart/form-data)`,
    )
  }
}

export class UnsupportedCharsetError extends TagrelayError {
  constructor(charset: string) {
    super(codes.TAGRELAY_UNSUPPORTED_CHARSET, `charset "${charset}" is not supported (use utf-8 or iso-8859-1)`)
  }
}

export class BodyTooLargeError extends TagrelayError {
  constructor(source: string, limit: number) {
    super(codes.TAGRELAY_BODY_TOO_LARGE, `the body is larger than the ${limit} bytes source "${source}" accepts`)
  }
}

export class TooDeepError extends TagrelayError {
  constructor(limit: number) {
    super(codes.TAGRELAY_TOO_DEEP, `the body nests deeper than ${limit} levels`)
  }
}

export class TooWideError extends TagrelayError {
  constructor(limit: number) {
    super(codes.TAGRELAY_TOO_WIDE, `the body holds more than ${limit} keys or elements`)
  }
}

export class RateLimitedError extends TagrelayError {
  /** whole seconds the sender should wait, for the Retry-After header */
  readonly retryAfter: number
  constructor(source: string, retryAfter: number) {
    super(codes.TAGRELAY_RATE_LIMITED, `source "${source}" is over its request rate; retry in ${retryAfter}s`)
    this.retryAfter = retryAfter
  }
}

export class BadVerifyTokenError extends TagrelayError {
  constructor(source: string) {
    super(codes.TAGRELAY_BAD_VERIFY_TOKEN, `the subscription handshake for source "${source}" failed`)
  }
}

export class NoHandshakeError extends TagrelayError {
  constructor(source: string) {
    super(
      codes.TAGRELAY_NO_HANDSHAKE,
      `source "${source}" has no GET subscription handshake configured (see sources.<name>.handshake)`,
    )
  }
}
