import type { LocationAuth } from './auth/types.js'
import type { IssuedTokens, RefreshGrant } from './auth/oauth.js'
import { parseBulkResults, type BulkTagsResult } from './bulk.js'
import { assertUpsertFields, type ContactLookup, type UpsertContactFields } from './contact-fields.js'
import { HighLevelHttp, type HttpOptions } from './http.js'
import { HighLevelInstalls } from './installs.js'
import type { RateLimitInfo } from './ratelimit.js'
import {
  bulkTagsResponseSchema,
  duplicateSearchResponseSchema,
  getContactResponseSchema,
  searchResponseSchema,
  tagsResponseSchema,
  tokenResponseSchema,
  upsertResponseSchema,
  type HighLevelContact,
} from './schemas.js'

export { HIGHLEVEL_API_VERSION } from './http.js'
export type { LocationAuth } from './auth/types.js'

export interface HighLevelClientOptions {
  /** e.g. https://services.leadconnectorhq.com; a path in it prefixes every request. */
  baseUrl: string | URL
  /** Used instead of the client's own Pool (tests, proxies); the client never closes it. */
  dispatcher?: HttpOptions['dispatcher']
  connectTimeoutMs?: number
  /** Headers timeout and body (idle) timeout, each. */
  timeoutMs?: number
  connections?: number
  /** Called with every answer's rate-limit headers (the delivery engine's budget). */
  onRateLimit?: (locationId: string, info: RateLimitInfo) => void
  /** Called after every call (route template, status or 'error', ms): the metrics hook. */
  onResponse?: HttpOptions['onResponse']
}

export type BulkTagAction = 'add' | 'remove'

const contactPath = (contactId: string, suffix = ''): string => {
  if (contactId === '') throw new TypeError('contactId must not be empty')
  return `/contacts/${encodeURIComponent(contactId)}${suffix}`
}

/** Search Contacts' largest page and the most records paging reaches (FACTS.md). */
const SEARCH_PAGE = 500
const SEARCH_MAX_RECORDS = 10_000
/** Search Contacts refuses longer string values (400). */
export const SEARCH_MAX_VALUE_LENGTH = 75

function searchFilter(lookup: ContactLookup): { field: 'email' | 'phone'; operator: 'eq'; value: string } {
  const [field, value] =
    typeof lookup.email === 'string' ? (['email', lookup.email] as const) : (['phone', lookup.phone] as const)
  if (typeof value !== 'string') throw new TypeError('searchContacts: each lookup needs an email or a phone')
  if (value.length > SEARCH_MAX_VALUE_LENGTH) {
    throw new RangeError(`searchContacts: ${field} is over ${SEARCH_MAX_VALUE_LENGTH} characters: use findContact`)
  }
  return { field, operator: 'eq', value }
}

/** The HighLevel calls tagrelay makes; every method takes the location's credentials. */
export class HighLevelClient {
  readonly #http: HighLevelHttp
  /** the OAuth app's install calls (code exchange, installed locations, location tokens) */
  readonly installs: HighLevelInstalls

  constructor(options: HighLevelClientOptions) {
    this.#http = new HighLevelHttp(options)
    this.installs = new HighLevelInstalls(this.#http)
  }

  /** POST /contacts/{contactId}/tags; answers all of the contact's tags. */
  addTags(auth: LocationAuth, contactId: string, tags: string[]): Promise<{ tags: string[] }> {
    return this.#tags('POST', auth, contactId, tags)
  }

  /** DELETE /contacts/{contactId}/tags with a JSON body; answers the tags left. */
  removeTags(auth: LocationAuth, contactId: string, tags: string[]): Promise<{ tags: string[] }> {
    return this.#tags('DELETE', auth, contactId, tags)
  }

  async #tags(
    method: 'POST' | 'DELETE',
    auth: LocationAuth,
    contactId: string,
    tags: string[],
  ): Promise<{ tags: string[] }> {
    const path = contactPath(contactId, '/tags')
    const result = await this.#http.call(auth, {
      method,
      path,
      route: `${method} /contacts/:contactId/tags`,
      body: { tags },
      schema: tagsResponseSchema,
    })
    return { ...result }
  }

  /**
   * POST /contacts/bulk/tags/update/{add|remove}. A 201 does not mean every contact was
   * updated: per-contact failures come back in `results` (and `missing`).
   */
  async bulkTags(
    auth: LocationAuth,
    action: BulkTagAction,
    contactIds: string[],
    tags: string[],
  ): Promise<BulkTagsResult> {
    if (action !== 'add' && action !== 'remove')
      throw new TypeError(`bulkTags: action must be add or remove, got ${String(action)}`)
    const answer = await this.#http.call(auth, {
      method: 'POST',
      path: `/contacts/bulk/tags/update/${action}`,
      route: `POST /contacts/bulk/tags/update/${action}`,
      body: { contacts: contactIds, tags, locationId: auth.locationId },
      schema: bulkTagsResponseSchema,
    })
    return parseBulkResults(contactIds, answer)
  }

  /** GET /contacts/search/duplicate by email or phone (`number`); null when none matches. */
  async findContact(auth: LocationAuth, lookup: ContactLookup): Promise<HighLevelContact | null> {
    const query = new URLSearchParams({ locationId: auth.locationId })
    if (typeof lookup.email === 'string') query.set('email', lookup.email)
    else if (typeof lookup.phone === 'string') query.set('number', lookup.phone)
    else throw new TypeError('findContact needs an email or a phone')
    const result = await this.#http.call(auth, {
      method: 'GET',
      path: `/contacts/search/duplicate?${query.toString()}`,
      route: 'GET /contacts/search/duplicate',
      schema: duplicateSearchResponseSchema,
    })
    return result.contact === null ? null : { ...result.contact }
  }

  /**
   * POST /contacts/search with one OR group of `eq` filters: every contact whose email or
   * phone is one of `lookups`, in one call (more only when over 500 contacts match).
   * Search is eventually consistent: a contact created a moment ago may be missing, so a
   * person not found here must be confirmed with `findContact` before it counts as absent.
   * Values over 75 characters are refused here (HighLevel answers 400): look those up
   * with `findContact`.
   */
  async searchContacts(auth: LocationAuth, lookups: readonly ContactLookup[]): Promise<HighLevelContact[]> {
    const filters = lookups.map(searchFilter)
    const found: HighLevelContact[] = []
    for (let page = 1; page * SEARCH_PAGE <= SEARCH_MAX_RECORDS; page++) {
      const answer = await this.#http.call(auth, {
        method: 'POST',
        path: '/contacts/search',
        route: 'POST /contacts/search',
        body: { locationId: auth.locationId, pageLimit: SEARCH_PAGE, page, filters: [{ group: 'OR', filters }] },
        schema: searchResponseSchema,
      })
      found.push(...answer.contacts.map((c) => ({ ...c })))
      if (answer.contacts.length < SEARCH_PAGE || found.length >= (answer.total ?? 0)) break
    }
    return found
  }

  findContactByEmail(auth: LocationAuth, email: string): Promise<HighLevelContact | null> {
    return this.findContact(auth, { email })
  }

  /** GET /contacts/{contactId}. A missing contact is a 400 (HighLevelRequestError). */
  async getContact(auth: LocationAuth, contactId: string): Promise<HighLevelContact> {
    const path = contactPath(contactId)
    const result = await this.#http.call(auth, {
      method: 'GET',
      path,
      route: 'GET /contacts/:contactId',
      schema: getContactResponseSchema,
    })
    return { ...result.contact }
  }

  /** POST /contacts/upsert: match by email or phone, else create. Never with tags. */
  async upsertContact(
    auth: LocationAuth,
    fields: UpsertContactFields,
  ): Promise<{ created: boolean; contact: HighLevelContact }> {
    assertUpsertFields(fields)
    const result = await this.#http.call(auth, {
      method: 'POST',
      path: '/contacts/upsert',
      route: 'POST /contacts/upsert',
      body: { ...fields, locationId: auth.locationId },
      schema: upsertResponseSchema,
    })
    return { created: result.new, contact: { ...result.contact } }
  }

  /** POST /oauth/token (form-urlencoded) with a refresh token; the grant is spent once HighLevel answers. */
  async refreshAccessToken(grant: RefreshGrant): Promise<IssuedTokens> {
    const answer = await this.#http.send(
      {
        method: 'POST',
        path: '/oauth/token',
        route: 'POST /oauth/token',
        form: {
          client_id: grant.clientId,
          client_secret: grant.clientSecret,
          grant_type: 'refresh_token',
          refresh_token: grant.refreshToken,
          user_type: grant.userType,
        },
        schema: tokenResponseSchema,
      },
      null,
      null,
      [grant.clientSecret, grant.refreshToken],
    )
    return { accessToken: answer.access_token, refreshToken: answer.refresh_token, expiresInSec: answer.expires_in }
  }

  /** Latest rate-limit headers seen for the location; null before any answer carried them. */
  lastRateLimit(locationId: string): RateLimitInfo | null {
    return this.#http.lastRateLimit(locationId)
  }

  async close(): Promise<void> {
    await this.#http.close()
  }
}
