export { HighLevelClient, HIGHLEVEL_API_VERSION, SEARCH_MAX_VALUE_LENGTH } from './client.js'
export type { BulkTagAction, HighLevelClientOptions } from './client.js'
export * from './auth/index.js'
export type { BulkContactResult, BulkTagsResult } from './bulk.js'
export type { ContactLookup, UpsertContactFields } from './contact-fields.js'
export {
  errorFromResponse,
  parseRetryAfter,
  HighLevelError,
  HighLevelForbiddenError,
  HighLevelInstallGoneError,
  installGoneReason,
  HighLevelNetworkError,
  HighLevelOAuthRefreshError,
  HighLevelRateLimitedError,
  HighLevelRequestError,
  HighLevelResponseError,
  HighLevelServerError,
  HighLevelTimeoutError,
  HighLevelUnauthorizedError,
} from './errors.js'
export type { HighLevelErrorDetails } from './errors.js'
export { parseRateLimit } from './ratelimit.js'
export type { RateLimitInfo } from './ratelimit.js'
export type { HeaderSource } from './headers.js'
export type { HighLevelContact } from './schemas.js'
export type { HighLevelInstalls, InstallGrant, InstalledLocation } from './installs.js'
export type { AppConfig, LocationConfig } from './config-schema.js'
export { frameOrigin, HIGHLEVEL_FRAME_ORIGINS, INSTALL_HOSTS } from './config-schema.js'
export * from './user-context/index.js'
