/**
 * Every error code tagrelay answers, logs or keeps on a job, defined here once with the
 * HTTP status it answers (null: never an HTTP answer, only kept on a job) and what it
 * means, in the manner of undici's lib/core/errors.js. Clients, alert rules and log
 * queries match on the code, so a code never changes meaning. Code elsewhere names a code
 * as `codes.TAGRELAY_X` (checked by the compiler), never as a bare string: a test holds
 * src to that and holds docs/errors.md's table to this list.
 *
 * Why one file over 200 lines: it is one list, read top to bottom.
 */
const CATALOGUE = {
  // webhooks: POST/GET /hooks/:source (see docs/sources.md)
  TAGRELAY_UNKNOWN_SOURCE: { status: 404, meaning: 'no source of that name is configured' },
  TAGRELAY_MISSING_TOKEN: { status: 401, meaning: 'the source needs a token and none was sent' },
  TAGRELAY_BAD_TOKEN: { status: 401, meaning: "the token sent does not match the source's" },
  TAGRELAY_LOCATION_CREDENTIAL_NEEDED: {
    status: 401,
    meaning:
      "the source has per-location credentials: post to `/hooks/<source>/<location>` with that location's secret",
  },
  TAGRELAY_MISSING_SIGNATURE: {
    status: 401,
    meaning: 'the source needs a signature (or timestamp) header and none was sent',
  },
  TAGRELAY_BAD_SIGNATURE: { status: 401, meaning: 'the signature does not verify' },
  TAGRELAY_STALE_TIMESTAMP: {
    status: 401,
    meaning: 'a valid signature on a timestamp outside the tolerance (old or future)',
  },
  TAGRELAY_DUPLICATE_HEADER: {
    status: 400,
    meaning: 'a signature or token header or parameter was sent more than once',
  },
  TAGRELAY_BAD_BODY: {
    status: 400,
    meaning: 'the body does not parse: empty, invalid JSON, malformed multipart, text invalid in its charset',
  },
  TAGRELAY_UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'a content type other than JSON, form or multipart' },
  TAGRELAY_UNSUPPORTED_CHARSET: { status: 415, meaning: 'a charset other than utf-8 or iso-8859-1' },
  TAGRELAY_BODY_TOO_LARGE: { status: 413, meaning: "the body is over the source's bodyLimit (or the server's)" },
  TAGRELAY_TOO_DEEP: { status: 400, meaning: 'the body nests deeper than 64 levels' },
  TAGRELAY_TOO_WIDE: { status: 413, meaning: 'an object or list in the body holds more than 10,000 keys or elements' },
  TAGRELAY_RATE_LIMITED: { status: 429, meaning: 'the source is over its rateLimit; Retry-After says when' },
  TAGRELAY_BAD_VERIFY_TOKEN: { status: 403, meaning: 'a GET subscription handshake with a wrong token or challenge' },
  TAGRELAY_NO_HANDSHAKE: { status: 405, meaning: 'a GET on a source without a handshake' },
  TAGRELAY_UNKNOWN_LOCATION: {
    status: 404,
    meaning: 'no location of that name or id (on a job: its location is no longer configured)',
  },
  TAGRELAY_LOCATION_DISABLED: { status: 404, meaning: 'the location is disabled: nothing is accepted for it' },
  TAGRELAY_LOCATION_GONE: { status: 404, meaning: 'the location was removed, uninstalled, deactivated or revoked' },
  TAGRELAY_LOCATION_NOT_IN_URL: {
    status: 404,
    meaning: 'the URL names a location for a source that does not read it there, or names none for one that does',
  },
  TAGRELAY_LOCATION_MISSING: { status: 400, meaning: 'the payload lacks the field the source reads its location from' },
  TAGRELAY_OVERLOADED: {
    status: 503,
    meaning: 'event loop or memory over the overload thresholds; Retry-After says when',
  },
  TAGRELAY_SHUTTING_DOWN: { status: 503, meaning: 'the service is shutting down; Retry-After says when' },

  // any route: what Fastify itself refuses, and our own failures
  TAGRELAY_BAD_REQUEST: { status: 400, meaning: 'a request that does not validate (query, body or parameters)' },
  TAGRELAY_NOT_FOUND: { status: 404, meaning: 'no such route' },
  TAGRELAY_REQUEST_TIMEOUT: { status: 408, meaning: 'the request took longer than the server waits for one' },
  TAGRELAY_UNAVAILABLE: { status: 503, meaning: 'the server cannot take requests now' },
  TAGRELAY_INTERNAL: {
    status: 500,
    meaning: 'an unexpected failure: nothing was stored, retry later (on a job: a bug of ours, retried)',
  },

  // admin API and console (see docs/operations.md)
  TAGRELAY_ADMIN_DISABLED: {
    status: 404,
    meaning: 'no admin.token is configured: the admin API and the console are off',
  },
  TAGRELAY_ADMIN_UNAUTHORIZED: { status: 401, meaning: 'no token, a wrong token, or no session' },
  TAGRELAY_ADMIN_CSRF: {
    status: 403,
    meaning: 'a change with the session cookie but without its CSRF token, or from another origin',
  },
  TAGRELAY_ADMIN_READ_ONLY: { status: 403, meaning: 'a viewer asked for a change' },
  TAGRELAY_ADMIN_SCOPE: { status: 403, meaning: 'the call needs a credential of scope all' },
  TAGRELAY_ADMIN_THROTTLED: {
    status: 429,
    meaning: "too many wrong tokens from the caller's address; Retry-After says when",
  },
  TAGRELAY_PORTAL_LINK_UNKNOWN: { status: 401, meaning: 'no portal link has that secret' },
  TAGRELAY_PORTAL_LINK_USED: { status: 410, meaning: 'the portal link was already used (a link opens one session)' },
  TAGRELAY_PORTAL_LINK_EXPIRED: { status: 410, meaning: 'the portal link has expired' },
  TAGRELAY_PORTAL_LINK_REVOKED: { status: 410, meaning: 'the portal link was revoked by an admin' },
  TAGRELAY_PORTAL_LINK_NOT_FOUND: { status: 404, meaning: 'no portal link of that id' },
  TAGRELAY_EVENT_NOT_FOUND: {
    status: 404,
    meaning: 'no event of that id (never received, pruned, or outside the scope)',
  },
  TAGRELAY_DEAD_LETTER_NOT_FOUND: { status: 404, meaning: 'that job is not a dead letter (or is outside the scope)' },
  TAGRELAY_REFUSED_NOT_FOUND: { status: 404, meaning: 'no refused request of that id is kept' },
  TAGRELAY_REFUSED_ALREADY_ACCEPTED: { status: 409, meaning: 'the refused request was accepted since' },
  TAGRELAY_STILL_REFUSED: {
    status: 422,
    meaning: 'a re-verify failed again: the kept request still does not verify or parse',
  },
  TAGRELAY_LOCATION_NOT_FOUND: { status: 404, meaning: 'no location of that name or id (or outside the scope)' },
  TAGRELAY_LOCATION_FROM_CONFIG: { status: 409, meaning: 'the location comes from the config file: change it there' },
  TAGRELAY_LOCATION_NAME_TAKEN: { status: 409, meaning: 'another location has that name' },

  // single sign-on from a HighLevel Custom Page (see docs/highlevel.md)
  TAGRELAY_SSO_PAYLOAD_UNREADABLE: {
    status: 401,
    meaning: 'the user context does not decrypt (wrong Shared Secret, changed or cut)',
  },
  TAGRELAY_SSO_CONTEXT_INVALID: {
    status: 401,
    meaning: 'the user context decrypted, but not to one of the documented shape',
  },
  TAGRELAY_SSO_NOT_INSTALLED: {
    status: 401,
    meaning: "the user's company or sub-account is not one the app is installed on",
  },
  TAGRELAY_SSO_NO_ACCESS: { status: 401, meaning: 'an agency user who is not an admin, outside any sub-account' },
  TAGRELAY_SSO_DISABLED: { status: 404, meaning: 'no highlevel.app.sharedSecret: single sign-on is off' },

  // the OAuth app's installs: /oauth/*
  TAGRELAY_APP_NOT_CONFIGURED: { status: 404, meaning: 'installs need highlevel.app in the config' },
  TAGRELAY_OAUTH_REFUSED: { status: 400, meaning: 'HighLevel did not grant the install' },
  TAGRELAY_OAUTH_STATE_INVALID: { status: 400, meaning: "the install's state is missing, forged, replayed or expired" },
  TAGRELAY_BAD_APP_WEBHOOK: { status: 400, meaning: "an app webhook that is not an app event, or is another app's" },

  // calls to HighLevel: kept on a job (retryable or not, see docs/highlevel.md); 502 if answered
  TAGRELAY_HL_UNAUTHORIZED: { status: 502, meaning: 'HighLevel answered 401: the token is bad or was revoked' },
  TAGRELAY_HL_OAUTH_REFRESH_FAILED: {
    status: 502,
    meaning: 'HighLevel refused an OAuth token refresh: reconnect the app',
  },
  TAGRELAY_HL_FORBIDDEN: { status: 502, meaning: 'HighLevel answered 403: the token lacks a scope or the location' },
  TAGRELAY_HL_BAD_REQUEST: { status: 502, meaning: 'HighLevel answered another 4xx: the same request will fail again' },
  TAGRELAY_HL_RATE_LIMITED: { status: 502, meaning: 'HighLevel answered 429' },
  TAGRELAY_HL_SERVER_ERROR: { status: 502, meaning: 'HighLevel answered 5xx' },
  TAGRELAY_HL_NETWORK: { status: 502, meaning: 'HighLevel could not be reached (refused, reset, DNS)' },
  TAGRELAY_HL_TIMEOUT: { status: 504, meaning: 'HighLevel did not answer in time' },
  TAGRELAY_HL_BAD_RESPONSE: {
    status: 502,
    meaning: 'a HighLevel answer not of the documented shape, or of an unexpected status',
  },
  TAGRELAY_HL_INSTALL_GONE: { status: 502, meaning: 'the sub-account was deactivated or the app uninstalled' },

  // delivery: kept on a job, never an HTTP answer
  TAGRELAY_CONTACT_NOT_FOUND: {
    status: null,
    meaning: 'the contact was not found in HighLevel; retried within its window',
  },
  TAGRELAY_CIRCUIT_OPEN: {
    status: null,
    meaning: "the location's circuit is open (HighLevel outage): the job is held back",
  },

  // background work
  TAGRELAY_ALERT_SEND_FAILED: { status: 502, meaning: 'an alert destination did not answer 2xx' },

  // config and store: at start, or a request that fails on them
  TAGRELAY_CONFIG_INVALID: {
    status: 500,
    meaning: 'the config (or store.url) cannot be used; the message lists every problem',
  },
  TAGRELAY_STORE_OPEN_FAILED: { status: 500, meaning: 'the store cannot be opened or reached' },
  TAGRELAY_STORE_NOT_MIGRATED: { status: 500, meaning: 'the store is older than this version: run tagrelay migrate' },
  TAGRELAY_STORE_SCHEMA_TOO_NEW: { status: 500, meaning: 'the store was migrated by a newer version of tagrelay' },
  TAGRELAY_STORE_WRITER_FAILED: {
    status: 503,
    meaning: "SQLite's writer thread failed: every write fails until the service restarts",
  },
  TAGRELAY_STORE_DUPLICATE_EVENT: { status: 409, meaning: 'an event of that id is already stored' },
  TAGRELAY_TOKEN_KEY_MISMATCH: {
    status: 500,
    meaning: 'stored OAuth tokens are sealed and store.secretKey is missing or another key',
  },

  // the command line (exits 2 on a usage error)
  TAGRELAY_USAGE: { status: 400, meaning: 'a command line that cannot be run as given' },
  TAGRELAY_TEST_RULE_INPUT: {
    status: 400,
    meaning: 'tagrelay test-rule: a payload, headers or query file it cannot read',
  },
} as const satisfies Record<`TAGRELAY_${string}`, { status: number | null; meaning: string }>

export type ErrorCode = keyof typeof CATALOGUE

export interface CodeEntry {
  /** what the HTTP layer answers when an error of this code reaches it; null: never answered */
  readonly status: number | null
  readonly meaning: string
}

export const catalogue: Readonly<Record<ErrorCode, CodeEntry>> = CATALOGUE

/** Each code by its own name: `codes.TAGRELAY_BAD_TOKEN === 'TAGRELAY_BAD_TOKEN'`. */
export const codes = Object.freeze(Object.fromEntries(Object.keys(CATALOGUE).map((c) => [c, c]))) as {
  readonly [C in ErrorCode]: C
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(CATALOGUE, value)
}

/** The status the catalogue gives `code` (500 for a code that is never an HTTP answer). */
export function statusOf(code: ErrorCode): number {
  return CATALOGUE[code].status ?? 500
}

/**
 * Base of every error tagrelay raises on purpose. `code` is stable and documented
 * (clients and log queries match on it); `statusCode` is what the HTTP layer answers
 * when the error reaches it, from the catalogue.
 */
export class TagrelayError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.statusCode = statusOf(code)
  }
}
