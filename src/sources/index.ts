export { createSourceRegistry } from './registry.js'
export type { Source, SourceRegistry } from './registry.js'
export type { InboundRequest, Verifier } from './types.js'
export { parseBody } from './parse.js'
export { redactHeaders, redactQuery, redactUrl } from './redact.js'
export {
  UnknownSourceError,
  MissingCredentialError,
  BadCredentialError,
  BadBodyError,
  UnsupportedMediaTypeError,
} from './errors.js'
export { sourceSchema, verifySchema } from './schema.js'
export type { SourceConfig, VerifyConfig } from './schema.js'
