import { codes } from '../errors.js'
import type { LocationAuth, UpsertContactFields } from '../highlevel/index.js'
import { budgeted } from './call.js'
import { HOUR_MS, type EngineContext } from './context.js'
import { failureFrom, isAbort, retryLater, type Failure } from './failure.js'
import { createFields, describeKeys, emailOf, phoneOf, type Person } from './identity.js'
import type { TaskPool } from './pool.js'
import { searchPersons } from './search-batch.js'

export const CONTACT_NOT_FOUND = codes.TAGRELAY_CONTACT_NOT_FOUND

/**
 * Gives every person a contact id: the store's cache first (one query for the round;
 * `fresh` skips it, after HighLevel refused a cached id), then a duplicate search per
 * person on a miss (each email, then each phone), then an upsert when any of the
 * person's rules asked to create the contact. Upsert is never sent tags: HighLevel would
 * replace all of the contact's tags with them. An email and a phone cached for different
 * contacts is a conflict: the email's contact wins and the trail says so.
 */
export async function resolvePersons(
  ctx: EngineContext,
  auth: LocationAuth,
  location: string,
  persons: Person[],
  pool: TaskPool,
  fresh = false,
): Promise<void> {
  const cached = fresh
    ? new Map<string, string>()
    : await ctx.store.contacts.lookup(
        location,
        persons.flatMap((p) => p.keys),
        ctx.now(),
      )
  const learned: { key: string; contactId: string }[] = []
  const misses: Person[] = []
  for (const person of persons) {
    const byEmail = person.keys.find((k) => emailOf(k) !== undefined && cached.has(k))
    const byPhone = person.keys.find((k) => phoneOf(k) !== undefined && cached.has(k))
    const hit = byEmail ?? byPhone
    if (hit !== undefined) {
      person.contactId = cached.get(hit) as string
      person.cachedKeys = [hit]
      const other = byPhone === undefined ? undefined : (cached.get(byPhone) as string)
      if (byEmail !== undefined && other !== undefined && other !== person.contactId)
        person.conflict = { emailContactId: person.contactId, phoneContactId: other }
      continue
    }
    misses.push(person)
  }
  // one Search Contacts call per batch of people; whoever it does not find is looked up one by one
  try {
    learned.push(...(await searchPersons(ctx, auth, misses)))
  } catch (err) {
    // a failed search costs nothing: the duplicate searches below decide (and fail, if HighLevel is down)
    if (!isAbort(err))
      ctx.logger.debug({ err, locationId: auth.locationId }, 'Search Contacts failed; looking up one by one')
  }
  for (const person of misses) {
    if (person.contactId !== undefined) continue
    pool.push(async () => {
      try {
        await lookUp(ctx, auth, person, learned)
      } catch (err) {
        if (!isAbort(err)) person.failure = failureFrom(err)
      }
    })
  }
  await pool.run()
  await ctx.store.contacts.remember(location, learned, ctx.now() + ctx.contactCacheTtlHours * HOUR_MS)
}

async function lookUp(
  ctx: EngineContext,
  auth: LocationAuth,
  person: Person,
  learned: { key: string; contactId: string }[],
): Promise<void> {
  for (const key of person.keys) {
    const email = emailOf(key)
    const lookup = email !== undefined ? { email } : { phone: phoneOf(key) as string }
    const found = await budgeted(ctx, auth, () => ctx.client.findContact(auth, lookup), {
      name: 'find_contact',
      jobs: () => person.jobs,
    })
    if (found) {
      person.contactId = found.id
      learned.push({ key, contactId: found.id })
      return
    }
  }
  const create = createFields(person)
  if (create) {
    const email = person.keys.map(emailOf).find((e) => e !== undefined)
    const phone = person.keys.map(phoneOf).find((p) => p !== undefined)
    const fields: UpsertContactFields = { ...create, ...(email ? { email } : {}), ...(phone ? { phone } : {}) }
    const { contact: made } = await budgeted(ctx, auth, () => ctx.client.upsertContact(auth, fields), {
      name: 'upsert_contact',
      jobs: () => person.jobs,
    })
    person.contactId = made.id
    person.created = true
    for (const key of person.keys) learned.push({ key, contactId: made.id })
    return
  }
  person.failure = notFound(`no HighLevel contact with ${describeKeys(person.keys)} in location ${auth.locationId}`)
}

/**
 * Not found is not final at once: HighLevel's own forms or another tool often create the
 * contact moments later, so the job retries until `contactNotFoundRetryHours` (finish.ts).
 */
export function notFound(error: string): Failure {
  return retryLater(CONTACT_NOT_FOUND, error)
}
