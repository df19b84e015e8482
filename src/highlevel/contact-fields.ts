import { CREATE_FIELDS } from '../rules/index.js'

/**
 * What `upsertContact` may send. `tags` is typed `never` and refused at run time too:
 * HighLevel's upsert replaces all of a contact's tags with the list it is given, so one
 * stray field would wipe tags other systems set. Tagging goes through add/remove only.
 */
export interface UpsertContactFields {
  email?: string | null
  phone?: string | null
  firstName?: string | null
  lastName?: string | null
  name?: string | null
  companyName?: string | null
  address1?: string | null
  city?: string | null
  state?: string | null
  postalCode?: string
  country?: string
  website?: string | null
  timezone?: string | null
  gender?: string
  dateOfBirth?: string | null
  source?: string
  assignedTo?: string
  dnd?: boolean
  tags?: never
}

/**
 * Documented UpsertContactDto fields we support; HighLevel answers 422 to any other: the
 * contact's own email and phone, what a rule's `create:` may set, the owner and DND.
 */
const ALLOWED = new Set<string>(['email', 'phone', ...CREATE_FIELDS, 'assignedTo', 'dnd'])

export function assertUpsertFields(fields: UpsertContactFields): void {
  const keys = Object.keys(fields)
  if (keys.includes('tags')) {
    throw new TypeError("upsertContact never sends tags: they would replace all of the contact's tags; use addTags")
  }
  const unknown = keys.filter((k) => !ALLOWED.has(k))
  if (unknown.length > 0) throw new TypeError(`upsertContact: unsupported field(s) ${unknown.join(', ')}`)
  if (!fields.email && !fields.phone) throw new TypeError('upsertContact needs an email or a phone to match on')
}

/** Duplicate search: by email, or by phone (sent as HighLevel's `number` parameter). */
export type ContactLookup = { email: string; phone?: never } | { phone: string; email?: never }
