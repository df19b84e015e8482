/**
 * Data shapes of the operations roles: refused requests kept for a second look and the
 * alert outbox. Apart from ../types.ts so that the delivery contract stays readable.
 */

/** A request refused for its signature or token, as kept (credential values only as hashes). */
export interface NewRefusedRequest {
  /** the request's id (UUIDv7), also the event id if a re-verify accepts it */
  id: string
  source: string
  /** epoch ms */
  receivedAt: number
  /** the refusal's error code (TAGRELAY_BAD_SIGNATURE, TAGRELAY_BAD_TOKEN, ...) */
  code: string
  method: string
  /** the path and query as received, credential query values as `sha256:<hex>` */
  url: string
  /** lower-case names; credential values as `sha256:<hex>` */
  headers: Record<string, string | string[]>
  /** the parsed query string, credential values as `sha256:<hex>` */
  query: Record<string, unknown>
  body: Buffer
}

export interface RefusedSummary extends Pick<NewRefusedRequest, 'id' | 'source' | 'receivedAt' | 'code'> {
  /** every byte the row holds (body, URL, headers, query): what the per-source cap counts */
  bytes: number
  status: 'refused' | 'accepted'
  /** epoch ms of the last re-verify, null when never tried */
  reverifiedAt: number | null
  /** the code the last failed re-verify gave, null otherwise */
  reverifyCode: string | null
  /**
   * the body's first bytes, for guessing whom the request was about when it is shown
   * (never on receipt: an unverified body is not parsed then); `complete` when that is all of it
   */
  head: { body: Buffer; complete: boolean; contentType: string | null }
  /** the location the URL named (`/hooks/:source/:location`), absent when it named none: whose row it is */
  urlLocation?: string
}

export type RefusedRequest = RefusedSummary & Pick<NewRefusedRequest, 'method' | 'url' | 'headers' | 'query' | 'body'>

/** What one source keeps at most; the oldest go first. */
export interface RefusedBounds {
  maxPerSource: number
  maxBytesPerSource: number
  maxAgeMs: number
}

export interface RefusedFilter extends Partial<Pick<RefusedSummary, 'source' | 'code' | 'status'>> {
  /** keyset cursor: only ids strictly below this one (ids are UUIDv7: time first) */
  before?: string
  limit: number
}

/** One alert message for one destination, queued durably. */
export interface NewAlert {
  destination: string
  /** the trigger (dead_letters, location_held, refusals, oldest_pending, test) */
  kind: string
  /** what the trigger is about (a location, a source, or "*") */
  subject: string
  /** 'firing' | 'resolved' | 'digest' | 'test' */
  state: string
  /** the JSON payload sent as is */
  payload: unknown
  createdAt: number
}

export interface Alert extends NewAlert {
  id: number
  status: 'pending' | 'sent' | 'failed'
  attempts: number
  nextAt: number
  lastError: string | null
  sentAt: number | null
}

export interface AlertFilter {
  status?: Alert['status']
  /** keyset cursor: only ids strictly below this one (newest first) */
  before?: number
  limit: number
}
