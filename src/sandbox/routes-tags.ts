import {
  contactNotFound,
  extraFields,
  FORBIDDEN,
  isObject,
  stringList,
  unprocessable,
  type RouteResult,
} from './router.js'
import { normalizeTags, type ContactStore } from './store.js'

function tagsBody(body: unknown): string[] | RouteResult {
  if (!isObject(body)) return unprocessable('tags must be an array')
  return extraFields(body, ['tags']) ?? stringList(body.tags, 'tags')
}

/** POST (add, 201) or DELETE (remove, 200) /contacts/{contactId}/tags. */
export function tagsRoute(
  store: ContactStore,
  location: string,
  action: 'add' | 'remove',
  contactId: string,
  body: unknown,
): RouteResult {
  const tags = tagsBody(body)
  if (!Array.isArray(tags)) return tags
  const contact = store.get(contactId)
  if (contact === undefined) return contactNotFound(contactId)
  if (contact.locationId !== location) return FORBIDDEN
  return action === 'add'
    ? { status: 201, body: { tags: store.addTags(contactId, tags) } }
    : { status: 200, body: { tags: store.removeTags(contactId, tags) } }
}

const VALID_ID = /^[A-Za-z0-9]{20}$/

/**
 * POST /contacts/bulk/tags/update/{add|remove}. One bad contact does not fail the call:
 * each gets its own entry in `responses`, with the messages of the spec's example.
 */
export function bulkTagsRoute(store: ContactStore, location: string, type: string, body: unknown): RouteResult {
  if (type !== 'add' && type !== 'remove') return unprocessable('type must be one of the following values: add, remove')
  if (!isObject(body)) return unprocessable('contacts must be an array')
  const extra = extraFields(body, ['contacts', 'tags', 'locationId', 'removeAllTags'])
  if (extra !== null) return extra
  const contacts = stringList(body.contacts, 'contacts')
  if (!Array.isArray(contacts)) return contacts
  const tags = stringList(body.tags, 'tags')
  if (!Array.isArray(tags)) return tags
  if (typeof body.locationId !== 'string' || body.locationId === '') return unprocessable('locationId must be a string')
  const removeAll = body.removeAllTags
  if (removeAll !== undefined && typeof removeAll !== 'boolean')
    return unprocessable('removeAllTags must be a boolean value')
  if (removeAll === true && type !== 'remove') return unprocessable('removeAllTags can only be used with remove')
  if (body.locationId !== location) return FORBIDDEN

  const responses = contacts.map((contactId) => {
    const error = (message: string) => ({ contactId, message, type: 'error' })
    if (!VALID_ID.test(contactId)) return error('contact id is not a valid firebase id')
    const contact = store.get(contactId)
    if (contact === undefined) return error('contact not found')
    if (contact.locationId !== location) return error('contact does not belong to location')
    const wanted = removeAll === true ? contact.tags : normalizeTags(tags)
    const after = type === 'add' ? store.addTags(contactId, wanted) : store.removeTags(contactId, wanted)
    return {
      contactId,
      message: 'Tags updated',
      type: 'success',
      oldTags: contact.tags,
      tagsAdded: after.filter((t) => !contact.tags.includes(t)),
      tagsRemoved: contact.tags.filter((t) => !after.includes(t)),
    }
  })
  const errorCount = responses.filter((r) => r.type === 'error').length
  return { status: 201, body: { succeded: errorCount === 0, errorCount, responses } }
}
