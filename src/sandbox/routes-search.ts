import { extraFields, FORBIDDEN, isObject, unprocessable, type RouteResult } from './router.js'
import { contactToApi, sameEmail, samePhone, type ContactStore, type SandboxContact } from './store.js'

/** Limits of Search Contacts as HighLevel documents them (FACTS.md, "Search Contacts"). */
export const SEARCH_LIMITS = { maxPageLimit: 500, maxValueLength: 75, maxRecords: 10_000 } as const

export interface SearchSettings {
  /** the most filters one OR group may hold (undocumented at HighLevel; configurable here) */
  orGroupLimit: number
  /** sandbox ms now, to hide contacts created or changed less than the index delay ago */
  now: number
}

type Predicate = (c: SandboxContact) => boolean

const badRequest = (message: string): RouteResult => ({ status: 400, body: { statusCode: 400, message } })
const FIELDS: Record<string, (c: SandboxContact, value: string) => boolean> = {
  email: (c, v) => sameEmail(c.email, v),
  phone: (c, v) => samePhone(c.phone, v),
}

/**
 * POST /contacts/search (search-contacts-advanced): `filters` is an AND list whose
 * elements are a filter `{field, operator, value}` or a group `{group: 'OR'|'AND',
 * filters}`. The sandbox knows `eq` on `email` and `phone`, which is what tagrelay asks;
 * other fields and operators answer 422 naming them, so a client change that needs more
 * shows up in tests. Contacts created or changed less than the index delay ago are not
 * found yet: HighLevel's search is eventually consistent, its duplicate search is not.
 */
export function searchRoute(
  store: ContactStore,
  location: string,
  body: unknown,
  settings: SearchSettings,
): RouteResult {
  if (!isObject(body)) return unprocessable('locationId must be a string')
  const extra = extraFields(body, ['locationId', 'pageLimit', 'page', 'searchAfter', 'filters', 'sort', 'query'])
  if (extra !== null) return extra
  if (typeof body.locationId !== 'string' || body.locationId === '') return unprocessable('locationId must be a string')
  if (body.locationId !== location) return FORBIDDEN
  const { pageLimit, page = 1 } = body
  if (!Number.isInteger(pageLimit) || (pageLimit as number) < 1 || (pageLimit as number) > SEARCH_LIMITS.maxPageLimit) {
    return unprocessable(`pageLimit must be an integer from 1 to ${SEARCH_LIMITS.maxPageLimit}`)
  }
  if (!Number.isInteger(page) || (page as number) < 1) return unprocessable('page must be a positive integer')
  const limit = pageLimit as number
  if ((page as number) * limit > SEARCH_LIMITS.maxRecords) {
    return badRequest(`page and pageLimit reach past ${SEARCH_LIMITS.maxRecords} records: use searchAfter`)
  }
  const matches = compileList(body.filters ?? [], 'AND', settings.orGroupLimit)
  if (!(matches instanceof Function)) return matches
  const found = store
    .list(location)
    .filter((c) => store.searchableAt(c.id) <= settings.now && matches(c))
    .sort((a, b) => a.dateAdded.localeCompare(b.dateAdded) || a.id.localeCompare(b.id))
  const start = ((page as number) - 1) * limit
  return { status: 200, body: { contacts: found.slice(start, start + limit).map(contactToApi), total: found.length } }
}

function compileList(filters: unknown, group: 'AND' | 'OR', orGroupLimit: number): Predicate | RouteResult {
  if (!Array.isArray(filters)) return unprocessable('filters must be an array')
  if (group === 'OR' && filters.length > orGroupLimit) {
    return badRequest(`an OR group may hold at most ${orGroupLimit} filters (got ${filters.length})`)
  }
  const parts: Predicate[] = []
  for (const f of filters) {
    const part = compileFilter(f, orGroupLimit)
    if (!(part instanceof Function)) return part
    parts.push(part)
  }
  if (parts.length === 0) return () => true
  return group === 'AND' ? (c) => parts.every((p) => p(c)) : (c) => parts.some((p) => p(c))
}

function compileFilter(f: unknown, orGroupLimit: number): Predicate | RouteResult {
  if (!isObject(f)) return unprocessable('each filter must be an object')
  if (f.group !== undefined) {
    if (f.group !== 'OR' && f.group !== 'AND') return unprocessable('group must be OR or AND')
    return compileList(f.filters, f.group, orGroupLimit)
  }
  const { field, operator, value } = f
  if (typeof field !== 'string' || !(field in FIELDS)) {
    return unprocessable(`the sandbox searches only email and phone, not ${JSON.stringify(field)}`)
  }
  if (operator !== 'eq')
    return unprocessable(`the sandbox supports only the eq operator, not ${JSON.stringify(operator)}`)
  if (typeof value !== 'string') return unprocessable('value must be a string')
  if (value.length > SEARCH_LIMITS.maxValueLength) {
    return badRequest(`value must be at most ${SEARCH_LIMITS.maxValueLength} characters`)
  }
  const test = FIELDS[field] as (c: SandboxContact, value: string) => boolean
  return (c) => test(c, value)
}
