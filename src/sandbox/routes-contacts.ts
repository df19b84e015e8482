import { contactNotFound, extraFields, FORBIDDEN, isObject, unprocessable, type RouteResult } from './router.js'
import { contactToApi, type ContactStore } from './store.js'

/** GET /contacts/search/duplicate: email first (case-insensitive), then phone (`number`). */
export function duplicateSearchRoute(store: ContactStore, location: string, query: URLSearchParams): RouteResult {
  const locationId = query.get('locationId')
  if (locationId === null || locationId === '') return unprocessable('locationId must be a string')
  if (locationId !== location) return FORBIDDEN
  const email = query.get('email')
  const number = query.get('number')
  const contact =
    (email ? store.findByEmail(locationId, email) : null) ?? (number ? store.findByPhone(locationId, number) : null)
  return { status: 200, body: { contact: contact === null ? null : contactToApi(contact) } }
}

export function getContactRoute(store: ContactStore, location: string, contactId: string): RouteResult {
  const contact = store.get(contactId)
  if (contact === undefined) return contactNotFound(contactId)
  if (contact.locationId !== location) return FORBIDDEN
  return { status: 200, body: { contact: contactToApi(contact) } }
}

/** UpsertContactDto's properties: anything else is a 422, as HighLevel's whitelist does. */
const UPSERT_FIELDS = [
  'firstName',
  'lastName',
  'name',
  'email',
  'locationId',
  'gender',
  'phone',
  'address1',
  'city',
  'state',
  'postalCode',
  'website',
  'timezone',
  'dnd',
  'dndSettings',
  'inboundDndSettings',
  'tags',
  'customFields',
  'source',
  'dateOfBirth',
  'country',
  'companyName',
  'assignedTo',
  'createNewIfDuplicateAllowed',
]

/**
 * POST /contacts/upsert: matches by email, then phone, within the location; updates the
 * match or creates a contact. A `tags` field replaces all of the contact's tags, as the
 * spec warns: tagrelay's client never sends it (its tests prove it on the wire).
 */
export function upsertRoute(store: ContactStore, location: string, body: unknown, searchableAt = 0): RouteResult {
  if (!isObject(body)) return unprocessable('locationId must be a string')
  const extra = extraFields(body, UPSERT_FIELDS)
  if (extra !== null) return extra
  if (typeof body.locationId !== 'string' || body.locationId === '') return unprocessable('locationId must be a string')
  if (body.locationId !== location) return FORBIDDEN
  const { email, phone } = body
  if (email !== undefined && email !== null && (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email))) {
    return unprocessable('email must be an email')
  }
  if (phone !== undefined && phone !== null && typeof phone !== 'string') return unprocessable('phone must be a string')
  if (body.tags !== undefined && !(Array.isArray(body.tags) && body.tags.every((t) => typeof t === 'string'))) {
    return unprocessable('each value in tags must be a string')
  }
  const match =
    (typeof email === 'string' ? store.findByEmail(location, email) : null) ??
    (typeof phone === 'string' ? store.findByPhone(location, phone) : null)
  const target = match ?? store.seed({ locationId: location })
  const contact = store.update(target.id, body)
  store.indexAt(contact.id, searchableAt)
  return {
    status: 200,
    body: { new: match === null, contact: contactToApi(contact), traceId: `sandbox-${contact.id}` },
  }
}
