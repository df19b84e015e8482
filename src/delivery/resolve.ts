import type { HighLevelClient, LocationAuth, UpsertContactFields } from '../highlevel/index.js'
import type { Job } from '../store/index.js'

export type ResolveClient = Pick<HighLevelClient, 'findContact' | 'upsertContact'>

export type Resolution = { contactId: string; created: boolean } | { missing: string }

/**
 * Finds the HighLevel contact a job is for: its id if known, else a duplicate search by
 * email and then by phone, else (only when the rule asked for it) an upsert with the
 * rule's fields. Upsert is never sent tags: HighLevel would replace all of the contact's
 * tags with them. Errors from HighLevel propagate to the caller's retry decision.
 */
export async function resolveContact(job: Job, auth: LocationAuth, client: ResolveClient): Promise<Resolution> {
  const known = job.contactId ?? job.contact.id
  if (known) return { contactId: known, created: false }
  const { email, phone } = job.contact
  if (!email && !phone) return { missing: 'the job names neither a contact id, an email nor a phone' }

  const found = (email ? await client.findContact(auth, { email }) : null) ?? (phone ? await client.findContact(auth, { phone }) : null)
  if (found) return { contactId: found.id, created: false }

  if (job.create) {
    const fields: UpsertContactFields = { ...job.create, ...(email ? { email } : {}), ...(phone ? { phone } : {}) }
    const { contact } = await client.upsertContact(auth, fields)
    return { contactId: contact.id, created: true }
  }
  const who = [email && `email ${email}`, phone && `phone ${phone}`].filter(Boolean).join(' or ')
  return { missing: `no HighLevel contact with ${who} in location ${auth.locationId} (add create: to the rule to create it)` }
}
