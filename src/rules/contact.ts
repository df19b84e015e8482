import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js'
import { compilePath, type PathReader } from './path.js'
import type { ContactPaths } from './schema.js'
import type { ContactRef, RuleEvent } from './types.js'
import { isScalar } from './values.js'

export interface ContactOptions {
  /** ISO 3166 country for phone numbers written without +country code; none: they are refused */
  phoneCountry?: CountryCode
}

export type ResolvedContact =
  | {
      contact: ContactRef
      create?: Record<string, string>
      /** identifiers present in the event but not usable (a phone with no country...), each with why */
      ignored?: string[]
    }
  | { unresolved: string }
export type CompiledContact = (event: RuleEvent) => ResolvedContact

/** RFC 5321 caps a forward path at 256 octets, 254 of them the address */
export const MAX_EMAIL_LENGTH = 254

/**
 * `local@domain.tld`: one `@`, no white space, a dot inside the domain. Written as
 * scans rather than the usual `/^[^\s@]+@[^\s@]+\.[^\s@]+$/`, which backtracks
 * quadratically on `'a@' + '.'.repeat(100000) + '@'` (11 s, the whole process stalled),
 * and bounded by the longest address a mail server accepts.
 */
export function isEmail(s: string): boolean {
  if (s.length > MAX_EMAIL_LENGTH || /\s/.test(s)) return false
  const at = s.indexOf('@')
  if (at <= 0 || at !== s.lastIndexOf('@')) return false
  const domain = s.slice(at + 1)
  return domain.length >= 3 && domain.slice(1, -1).includes('.')
}

/**
 * Reads who a rule is for. An id wins when present; otherwise a valid email and/or phone
 * (both kept, so delivery can look up by either and create with both). An email that
 * does not look like one, or a phone that is not a valid number, is ignored with a reason.
 */
export function compileContact(paths: ContactPaths, opts: ContactOptions): CompiledContact {
  const readId = paths.id ? compilePath(paths.id) : undefined
  const readEmail = paths.email ? compilePath(paths.email) : undefined
  const readPhone = paths.phone ? compilePath(paths.phone) : undefined
  const create = paths.create ? compileCreate(paths.create) : undefined
  return (event) => {
    const id = readId?.(event)
    if (typeof id === 'string' && id.trim() !== '') return withCreate({ id: id.trim() }, create, event)
    const problems: string[] = []
    if (paths.id) problems.push(`no contact id at "${paths.id}"`)
    const contact: ContactRef = {}
    // present but unusable: reported even when another identifier works (never dropped in silence)
    const ignored: string[] = []
    if (readEmail) {
      const email = readEmail(event)
      if (typeof email === 'string' && isEmail(email.trim())) contact.email = email.trim().toLowerCase()
      else if (email === undefined || email === null) problems.push(`no email at "${paths.email}"`)
      else {
        problems.push(`"${paths.email}" is not an email address`)
        ignored.push(`email ${shown(email)} at "${paths.email}" ignored: not an email address`)
      }
    }
    if (readPhone) {
      const phone = readPhone(event)
      const e164 = normalisePhone(phone, opts.phoneCountry)
      if (e164) contact.phone = e164
      else if (phone === undefined || phone === null) problems.push(`no phone at "${paths.phone}"`)
      else {
        const why = phoneProblem(phone, opts.phoneCountry)
        problems.push(`"${paths.phone}" is not a valid phone number (${why})`)
        ignored.push(`phone ${shown(phone)} at "${paths.phone}" ignored: ${why}`)
      }
    }
    if (contact.email === undefined && contact.phone === undefined) return { unresolved: problems.join('; ') }
    const resolved = withCreate(contact, create, event)
    return ignored.length > 0 ? { ...resolved, ignored } : resolved
  }
}

/** A value as a message quotes it: in backticks, cut at 60 characters; an object or list only named (never serialised whole). */
function shown(v: unknown): string {
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
    return Array.isArray(v) ? '(a list)' : '(an object)'
  const text = String(v)
  return `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\``
}

/** Why a phone number present in the event was not usable. */
function phoneProblem(v: unknown, country: CountryCode | undefined): string {
  if (typeof v !== 'string' && typeof v !== 'number') return 'not a single value'
  const text = String(v).trim()
  if (text.length > MAX_PHONE_LENGTH) return `longer than ${MAX_PHONE_LENGTH} characters`
  if (country === undefined && !text.startsWith('+') && !text.startsWith('00'))
    return 'no country; set `ruleOptions.phoneCountry` or send it with +country code'
  return `not a valid phone number${country ? ` for ${country}` : ''}`
}

/** libphonenumber-js gives up past 250 characters too; checked here so the bound is ours */
const MAX_PHONE_LENGTH = 250

export function normalisePhone(v: unknown, country: CountryCode | undefined): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined
  const text = String(v)
  if (text.length > MAX_PHONE_LENGTH) return undefined
  const parsed = parsePhoneNumberFromString(text, country)
  return parsed?.isValid() ? parsed.number : undefined
}

function withCreate(
  contact: ContactRef,
  create: CompiledCreate | undefined,
  event: RuleEvent,
): { contact: ContactRef; create?: Record<string, string> } {
  return create ? { contact, create: create(event) } : { contact }
}

/** A rule with `create:` always gives fields, `{}` when every one is missing: the contact is still created (with its email/phone). */
type CompiledCreate = (event: RuleEvent) => Record<string, string>

function compileCreate(fields: Record<string, string | undefined>): CompiledCreate {
  const readers: Array<[string, PathReader]> = Object.entries(fields).flatMap(([k, p]) =>
    p ? [[k, compilePath(p)] as [string, PathReader]] : [],
  )
  return (event) => {
    const out: Record<string, string> = {}
    for (const [k, read] of readers) {
      const v = read(event)
      if (isScalar(v) && String(v).trim() !== '') out[k] = String(v).trim()
    }
    return out
  }
}
