import type { ContactStore, SandboxContact } from './sandbox-store.js'

export interface RouteResult { status: number; body: unknown }

export interface RouteMatch {
  key: 'POST /contacts/:contactId/tags' | 'GET /contacts/search/duplicate'
  contactId?: string
}

export function matchRoute(method: string, pathname: string): RouteMatch | null {
  if (method === 'GET' && pathname === '/contacts/search/duplicate') return { key: 'GET /contacts/search/duplicate' }
  const tags = /^\/contacts\/([^/]+)\/tags$/.exec(pathname)
  if (method === 'POST' && tags !== null) {
    try {
      return { key: 'POST /contacts/:contactId/tags', contactId: decodeURIComponent(tags[1] ?? '') }
    } catch {
      return null
    }
  }
  return null
}

const FORBIDDEN: RouteResult = {
  status: 403,
  body: { statusCode: 403, message: 'The token does not have access to this location.' },
}

const unprocessable = (...message: string[]): RouteResult => ({
  status: 422,
  body: { statusCode: 422, message, error: 'Unprocessable Entity' },
})

const toApi = (c: SandboxContact) => ({
  id: c.id, locationId: c.locationId, email: c.email, firstName: c.firstName, tags: c.tags, dateAdded: c.dateAdded,
})

/** Whitelisting validation, as HighLevel's: unknown fields are rejected, not ignored. */
function validateTagsBody(body: unknown): string[] | RouteResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return unprocessable('tags must be an array')
  const extra = Object.keys(body).filter((k) => k !== 'tags')
  if (extra.length > 0) return unprocessable(...extra.map((k) => `property ${k} should not exist`))
  const { tags } = body as { tags?: unknown }
  if (!Array.isArray(tags)) return unprocessable('tags must be an array')
  if (!tags.every((t) => typeof t === 'string')) return unprocessable('each value in tags must be a string')
  return tags as string[]
}

export function addTagsRoute(store: ContactStore, tokenLocation: string, contactId: string, body: unknown): RouteResult {
  const tags = validateTagsBody(body)
  if (!Array.isArray(tags)) return tags
  const contact = store.get(contactId)
  if (contact === undefined) {
    return { status: 400, body: { statusCode: 400, message: `Contact with id ${contactId} not found` } }
  }
  if (contact.locationId !== tokenLocation) return FORBIDDEN
  return { status: 201, body: { tags: store.addTags(contactId, tags) } }
}

export function duplicateSearchRoute(store: ContactStore, tokenLocation: string, query: URLSearchParams): RouteResult {
  const locationId = query.get('locationId')
  if (locationId === null || locationId === '') return unprocessable('locationId must be a string')
  if (locationId !== tokenLocation) return FORBIDDEN
  const email = query.get('email')
  const contact = email === null || email === '' ? null : store.findByEmail(locationId, email)
  return { status: 200, body: { contact: contact === null ? null : toApi(contact) } }
}
