import type { LocationAuth, UpsertContactFields } from '../highlevel/index.js'
import type { Job } from '../store/index.js'
import { budgeted } from './call.js'
import type { EngineContext } from './context.js'
import { failureFrom, isAbort, permanentFailure, type Failure } from './failure.js'
import type { TaskPool } from './pool.js'

export interface RefGroup {
  /** email/phone cache keys, email first */
  keys: string[]
  jobs: Job[]
  contactId?: string
  /** keys the id came from the cache with (forgotten if HighLevel says the id is stale) */
  cachedKeys: string[]
  created?: boolean
  failure?: Failure
}

export const cacheKeys = (job: Job): string[] => [
  ...(job.contact.email ? [`email:${job.contact.email.toLowerCase()}`] : []),
  ...(job.contact.phone ? [`phone:${job.contact.phone}`] : []),
]

/**
 * Gives every group of jobs naming the same email/phone a contact id: the store's cache
 * first (one query for the round), then one duplicate search per group on a miss (email,
 * then phone), then an upsert when a rule asked to create the contact. Upsert is never
 * sent tags: HighLevel would replace all of the contact's tags with them.
 */
export async function resolveGroups(
  ctx: EngineContext,
  auth: LocationAuth,
  location: string,
  groups: RefGroup[],
  pool: TaskPool,
): Promise<void> {
  const cached = await ctx.store.lookupContacts(
    location,
    groups.flatMap((g) => g.keys),
    ctx.now(),
  )
  const learned: { key: string; contactId: string }[] = []
  for (const group of groups) {
    const hit = group.keys.find((k) => cached.has(k))
    if (hit !== undefined) {
      group.contactId = cached.get(hit) as string
      group.cachedKeys = [hit]
      continue
    }
    pool.push(async () => {
      try {
        await lookUp(ctx, auth, group, learned)
      } catch (err) {
        if (!isAbort(err)) group.failure = failureFrom(err)
      }
    })
  }
  await pool.run()
  await ctx.store.rememberContacts(location, learned, ctx.now() + ctx.contactCacheTtlMs)
}

async function lookUp(
  ctx: EngineContext,
  auth: LocationAuth,
  group: RefGroup,
  learned: { key: string; contactId: string }[],
): Promise<void> {
  const { contact, create } = group.jobs.find((j) => j.create) ?? (group.jobs[0] as Job)
  for (const key of group.keys) {
    const lookup = key.startsWith('email:') ? { email: contact.email as string } : { phone: contact.phone as string }
    const found = await budgeted(ctx, auth, () => ctx.client.findContact(auth, lookup))
    if (found) {
      group.contactId = found.id
      learned.push({ key, contactId: found.id })
      return
    }
  }
  if (create) {
    const fields: UpsertContactFields = {
      ...create,
      ...(contact.email ? { email: contact.email } : {}),
      ...(contact.phone ? { phone: contact.phone } : {}),
    }
    const { contact: made } = await budgeted(ctx, auth, () => ctx.client.upsertContact(auth, fields))
    group.contactId = made.id
    group.created = true
    for (const key of group.keys) learned.push({ key, contactId: made.id })
    return
  }
  const who = [contact.email && `email ${contact.email}`, contact.phone && `phone ${contact.phone}`]
    .filter(Boolean)
    .join(' or ')
  group.failure = permanentFailure(
    'TAGRELAY_CONTACT_NOT_FOUND',
    `no HighLevel contact with ${who} in location ${auth.locationId} (add create: to the rule to create it)`,
  )
}
