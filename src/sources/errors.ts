import { TagrelayError } from '../errors.js'

export class UnknownSourceError extends TagrelayError {
  constructor(source: string) {
    super('TAGRELAY_UNKNOWN_SOURCE', `no source named "${source}" is configured`, 404)
  }
}

export class MissingCredentialError extends TagrelayError {
  constructor(source: string, where: string) {
    super('TAGRELAY_MISSING_TOKEN', `source "${source}" requires a token (${where})`, 401)
  }
}

export class BadCredentialError extends TagrelayError {
  constructor(source: string) {
    super('TAGRELAY_BAD_TOKEN', `the token sent for source "${source}" does not match`, 401)
  }
}

export class BadBodyError extends TagrelayError {
  constructor(message: string) {
    super('TAGRELAY_BAD_BODY', message, 400)
  }
}

export class UnsupportedMediaTypeError extends TagrelayError {
  constructor(contentType: string) {
    super('TAGRELAY_UNSUPPORTED_MEDIA_TYPE', `content type "${contentType}" is not supported (send application/json)`, 415)
  }
}
