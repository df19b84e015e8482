import { randomInt } from 'node:crypto'

export interface SandboxContact {
  id: string
  locationId: string
  email: string | null
  firstName: string | null
  tags: string[]
  dateAdded: string
}

export interface SeedContactInput {
  locationId: string
  email?: string
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

const copy = (c: SandboxContact): SandboxContact => ({ ...c, tags: [...c.tags] })

export class ContactStore {
  readonly #contacts = new Map<string, SandboxContact>()

  seed(input: SeedContactInput): SandboxContact {
    const id = input.id ?? newHighLevelId()
    if (this.#contacts.has(id)) throw new Error(`sandbox contact ${id} already exists`)
    const contact: SandboxContact = {
      id,
      locationId: input.locationId,
      email: input.email ?? null,
      firstName: input.firstName ?? null,
      tags: normalizeTags(input.tags ?? []),
      dateAdded: new Date().toISOString(),
    }
    this.#contacts.set(id, contact)
    return copy(contact)
  }

  get(id: string): SandboxContact | undefined {
    const contact = this.#contacts.get(id)
    return contact === undefined ? undefined : copy(contact)
  }

  findByEmail(locationId: string, email: string): SandboxContact | null {
    const wanted = email.trim().toLowerCase()
    for (const contact of this.#contacts.values()) {
      if (contact.locationId === locationId && contact.email?.trim().toLowerCase() === wanted) return copy(contact)
    }
    return null
  }

  list(locationId?: string): SandboxContact[] {
    return [...this.#contacts.values()]
      .filter((c) => locationId === undefined || c.locationId === locationId)
      .map(copy)
  }

  /** Adds tags to an existing contact and answers all of its tags. */
  addTags(id: string, tags: readonly string[]): string[] {
    const contact = this.#contacts.get(id)
    if (contact === undefined) throw new Error(`sandbox contact ${id} not found`)
    contact.tags = normalizeTags([...contact.tags, ...tags])
    return [...contact.tags]
  }
}
