import {
  HighLevelForbiddenError,
  HighLevelUnauthorizedError,
  SEARCH_MAX_VALUE_LENGTH,
  type HighLevelContact,
  type LocationAuth,
} from '../highlevel/index.js'
import { budgeted } from './call.js'
import type { EngineContext } from './context.js'
import { emailOf, phoneOf, type Person } from './identity.js'

const phoneKey = (p: string): string => p.replace(/[^\d+]/g, '')

/**
 * Finds the people a round has not cached with Search Contacts: one OR group of up to
 * `searchBatchSize` emails and phones per call, instead of one duplicate search per
 * person. On W1 (2,000 people) that is 20 calls instead of 2,000.
 *
 * Why only a hit counts: search is eventually consistent, so a person it does not
 * return may have been created seconds ago. Those are left for the duplicate search
 * (immediate), and only then counted as not found or created. Identifiers longer than
 * Search Contacts' 75 characters are left for it too. The email's contact wins over the
 * phone's, as with the cache. A location that refuses the endpoint (401/403: the app
 * lacks the scope) is remembered and uses duplicate searches from then on.
 *
 * Returns the key → contact id pairs learned, for the cache.
 */
export async function searchPersons(
  ctx: EngineContext,
  auth: LocationAuth,
  persons: Person[],
): Promise<{ key: string; contactId: string }[]> {
  if (ctx.searchBatchSize <= 1 || ctx.searchRefused.has(auth.locationId)) return []
  const keys = [...new Set(persons.flatMap((p) => p.keys))].filter((k) => k.length - 6 <= SEARCH_MAX_VALUE_LENGTH)
  const byEmail = new Map<string, string>()
  const byPhone = new Map<string, string>()
  for (let i = 0; i < keys.length; i += ctx.searchBatchSize) {
    const batch = keys.slice(i, i + ctx.searchBatchSize)
    const lookups = batch.map((k) =>
      emailOf(k) !== undefined ? { email: emailOf(k) as string } : { phone: phoneOf(k) as string },
    )
    let found: HighLevelContact[]
    try {
      found = await budgeted(ctx, auth, () => ctx.client.searchContacts(auth, lookups), {
        name: 'search_contacts',
        jobs: () => {
          const inBatch = new Set(batch)
          return persons.filter((p) => p.keys.some((k) => inBatch.has(k))).flatMap((p) => p.jobs)
        },
      })
    } catch (err) {
      if (!(err instanceof HighLevelUnauthorizedError || err instanceof HighLevelForbiddenError)) throw err
      ctx.searchRefused.add(auth.locationId)
      ctx.logger.warn(
        { locationId: auth.locationId, status: err.status },
        'Search Contacts refused (scope missing?); this location uses duplicate searches from now on',
      )
      return []
    }
    // the oldest contact first, as the duplicate search answers when duplicates exist
    for (const c of [...found].reverse()) {
      if (c.email) byEmail.set(c.email.trim().toLowerCase(), c.id)
      if (c.phone) byPhone.set(phoneKey(c.phone), c.id)
    }
  }
  const learned: { key: string; contactId: string }[] = []
  for (const person of persons) {
    for (const key of person.keys) {
      const email = emailOf(key)
      const id = email !== undefined ? byEmail.get(email) : byPhone.get(phoneKey(phoneOf(key) as string))
      if (id === undefined) continue
      learned.push({ key, contactId: id })
      if (person.contactId === undefined) person.contactId = id
      else if (person.contactId !== id && !person.conflict && email === undefined) {
        person.conflict = { emailContactId: person.contactId, phoneContactId: id }
      }
    }
  }
  return learned
}
