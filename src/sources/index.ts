export { createSourceRegistry } from './registry.js'
export type { Received, RegistryOptions, Source, SourceRegistry } from './registry.js'
export type { InboundRequest, Verifier, VerifyContext } from './types.js'
export { parseBody } from './parse/index.js'
export { headersFromRaw } from './headers.js'
export { looksCredential, looksSecretParam, redactHeaders, redactQuery, redactUrl } from './redact.js'
export { keptForm } from './keep.js'
export { locationSecret } from './location-credentials.js'
export type { KeptForm } from './keep.js'
export {
  UnknownSourceError,
  MissingTokenError,
  BadCredentialError,
  MissingSignatureError,
  BadSignatureError,
  StaleTimestampError,
  DuplicateHeaderError,
  BadBodyError,
  UnsupportedMediaTypeError,
  UnsupportedCharsetError,
  BodyTooLargeError,
  TooDeepError,
  TooWideError,
  RateLimitedError,
  BadVerifyTokenError,
  NoHandshakeError,
} from './errors.js'
export { sourceSchema, verifySchema } from './schema.js'
export type { SourceConfig, SourceLocation, VerifyConfig } from './schema.js'
export { HMAC_PRESETS } from './verify/index.js'
