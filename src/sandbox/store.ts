import { randomInt } from 'node:crypto'

export interface SandboxContact {
  id: string
  locationId: string
  email: string | null
  phone: string | null
  firstName: string | null
  tags: string[]
  dateAdded: string
  /** other documented fields set through upsert (lastName, companyName, ...) */
  fields: Record<string, unknown>
}

export interface SeedContactInput {
  locationId: string
  email?: string
  phone?: string
  id?: string
  firstName?: string
  tags?: string[]
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** 20 alphanumerics, the shape of HighLevel contact and location ids. */
export function newHighLevelId(): string {
  let id = ''
  for (let i = 0; i < 20; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)]
  return id
}

/** As HighLevel stores them: trimmed, lowercased, unique, no empties; order of first sight. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>()
  for (const tag of tags) {
    const clean = tag.trim().toLowerCase()
    if (clean !== '') seen.add(clean)
  }
  return [...seen]
}

export const sameEmail = (a: string | null, b: string) =>
  a !== null && a.trim().toLowerCase() === b.trim().toLowerCase()
const phoneKey = (p: string) => p.replace(/[^\d+]/g, '')
export const samePhone = (a: string | null, b: string) =>
  a !== null && phoneKey(a) !== '' && phoneKey(a) === phoneKey(b)
const copy = (c: SandboxContact): SandboxContact => ({ ...c, tags: [...c.tags], fields: { ...c.fields } })

export class ContactStore {
  readonly #contacts = new Map<string, SandboxContact>()
  /**
   * contact id -> tag -> how many adds found the tag already there. Adding a tag twice
   * changes nothing on the contact, so only this counter shows an at-least-once delivery
   * that applied the same tags again (the chaos harness reports it).
   */
  readonly #repeats = new Map<string, Map<string, number>>()
  /** contact id -> sandbox ms from which search finds it (absent: at once, as seeded contacts) */
  readonly #searchableAt = new Map<string, number>()

  seed(input: SeedContactInput): SandboxContact {
    const id = input.id ?? newHighLevelId()
    if (this.#contacts.has(id)) throw new Error(`sandbox contact ${id} already exists`)
    const contact: SandboxContact = {
      id,
      locationId: input.locationId,
      email: input.email ?? null,
      phone: input.phone ?? null,
      firstName: input.firstName ?? null,
      tags: normalizeTags(input.tags ?? []),
      dateAdded: new Date().toISOString(),
      fields: {},
    }
    this.#contacts.set(id, contact)
    return copy(contact)
  }

  get(id: string): SandboxContact | undefined {
    const contact = this.#contacts.get(id)
    return contact === undefined ? undefined : copy(contact)
  }

  findByEmail(locationId: string, email: string): SandboxContact | null {
    return this.#find((c) => c.locationId === locationId && sameEmail(c.email, email))
  }

  findByPhone(locationId: string, phone: string): SandboxContact | null {
    return this.#find((c) => c.locationId === locationId && samePhone(c.phone, phone))
  }

  #find(match: (c: SandboxContact) => boolean): SandboxContact | null {
    for (const contact of this.#contacts.values()) if (match(contact)) return copy(contact)
    return null
  }

  list(locationId?: string): SandboxContact[] {
    return [...this.#contacts.values()].filter((c) => locationId === undefined || c.locationId === locationId).map(copy)
  }

  /** Deletes a contact (as deleting or merging it in HighLevel's UI): its id answers "not found" from then on. */
  delete(id: string): boolean {
    this.#repeats.delete(id)
    return this.#contacts.delete(id)
  }

  /** Adds tags to an existing contact and answers all of its tags. */
  addTags(id: string, tags: readonly string[]): string[] {
    const contact = this.#must(id)
    const had = new Set(contact.tags)
    for (const tag of normalizeTags(tags)) {
      if (!had.has(tag)) continue
      const counts = this.#repeats.get(id) ?? new Map<string, number>()
      counts.set(tag, (counts.get(tag) ?? 0) + 1)
      this.#repeats.set(id, counts)
    }
    contact.tags = normalizeTags([...contact.tags, ...tags])
    return [...contact.tags]
  }

  /** From when (sandbox ms) Search Contacts finds the contact: its last create or change plus the index delay. */
  searchableAt(id: string): number {
    return this.#searchableAt.get(id) ?? 0
  }

  /** The contact was created or changed through the API: search sees it only from `at`. */
  indexAt(id: string, at: number): void {
    this.#searchableAt.set(id, at)
  }

  /** Per tag, how many adds to this contact found the tag already present ({} if none). */
  repeatedAdds(id: string): Record<string, number> {
    return Object.fromEntries(this.#repeats.get(id) ?? [])
  }

  /** Removes tags (case-insensitively) and answers the tags left. */
  removeTags(id: string, tags: readonly string[]): string[] {
    const contact = this.#must(id)
    const gone = new Set(normalizeTags(tags))
    contact.tags = contact.tags.filter((t) => !gone.has(t))
    return [...contact.tags]
  }

  /** Sets documented fields; `tags`, if given, replaces all tags (as HighLevel's upsert does). */
  update(id: string, patch: Record<string, unknown>): SandboxContact {
    const contact = this.#must(id)
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'tags' && Array.isArray(value)) contact.tags = normalizeTags(value as string[])
      else if (key === 'email' || key === 'phone' || key === 'firstName')
        contact[key] = typeof value === 'string' ? value : null
      else if (key !== 'locationId') contact.fields[key] = value
    }
    return copy(contact)
  }

  #must(id: string): SandboxContact {
    const contact = this.#contacts.get(id)
    if (contact === undefined) throw new Error(`sandbox contact ${id} not found`)
    return contact
  }
}

/** A contact as the API shows it: absent values are left out, never null (the spec types them as strings). */
export function contactToApi(c: SandboxContact): Record<string, unknown> {
  const out: Record<string, unknown> = { id: c.id, locationId: c.locationId }
  for (const [key, value] of Object.entries({ ...c.fields, email: c.email, phone: c.phone, firstName: c.firstName })) {
    if (value !== null && value !== undefined) out[key] = value
  }
  if (c.email !== null) out.emailLowerCase = c.email.toLowerCase()
  return { ...out, tags: [...c.tags], dateAdded: c.dateAdded }
}
