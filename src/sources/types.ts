/**
 * The parts of an HTTP request that sources look at, free of any web framework.
 * `headers` has lower-cased names; a header sent more than once is an array (built from
 * the raw header list, so a duplicate is never silently joined or dropped).
 */
export interface InboundRequest {
  source: string
  /** upper-case HTTP method */
  method?: string
  /** the request target as received: path and query string */
  url?: string
  headers: Record<string, string | string[] | undefined>
  query: Record<string, unknown>
  rawBody: Buffer
  /**
   * set only for a request read back from the refused-request store: credential values
   * (tokens) are there as `sha256:<hex>` and are compared as digests
   */
  credentialsHashed?: boolean
  /**
   * the HighLevel locationId the URL named (`/hooks/<source>/<location>`, resolved), for
   * sources with per-location credentials
   */
  locationId?: string
}

/** What a verifier may use besides the request: a clock, so tests control time. */
export interface VerifyContext {
  /** epoch milliseconds */
  now(): number
  /** the public base URL senders call (e.g. https://tags.example.com), for schemes that sign the URL */
  publicUrl?: string
}

/** Throws a TagrelayError (4xx) when the request is not from the configured sender. */
export type Verifier = (req: InboundRequest) => void
