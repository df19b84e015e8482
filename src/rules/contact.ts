import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js'
import { compilePath, type PathReader } from './path.js'
import type { ContactPaths } from './schema.js'
import type { ContactRef, RuleEvent } from './types.js'
import { isScalar } from './values.js'

export interface ContactOptions {
  /** ISO 3166 country for phone numbers written without +country code; none: they are refused */
  phoneCountry?: CountryCode
}

export type ResolvedContact = { contact: ContactRef; create?: Record<string, string> } | { unresolved: string }
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
    if (readEmail) {
      const email = readEmail(event)
      if (typeof email === 'string' && isEmail(email.trim())) contact.email = email.trim().toLowerCase()
      else
        problems.push(
          email === undefined || email === null
            ? `no email at "${paths.email}"`
            : `"${paths.email}" is not an email address`,
        )
    }
    if (readPhone) {
      const phone = readPhone(event)
      const e164 = normalisePhone(phone, opts.phoneCountry)
      if (e164) contact.phone = e164
      else
        problems.push(
          phone === undefined || phone === null
            ? `no phone at "${paths.phone}"`
            : `"${paths.phone}" is not a valid phone number${opts.phoneCountry ? '' : ' (no default country: write it with +country code)'}`,
        )
    }
    if (contact.email === undefined && contact.phone === undefined) return { unresolved: problems.join('; ') }
    return withCreate(contact, create, event)
  }
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

function withCreate(contact: ContactRef, create: CompiledCreate | undefined, event: RuleEvent): ResolvedContact {
  const fields = create?.(event)
  return fields ? { contact, create: fields } : { contact }
}

type CompiledCreate = (event: RuleEvent) => Record<string, string> | undefined

function compileCreate(fields: Record<string, string | undefined>): CompiledCreate {
  const readers: Array<[string, PathReader]> = Object.entries(fields).flatMap(([k, p]) =>
    p ? [[k, compilePath(p)] as [string, PathReader]] : [],
  )
  return (event) => {
    let out: Record<string, string> | undefined
    for (const [k, read] of readers) {
      const v = read(event)
      if (isScalar(v) && String(v).trim() !== '') (out ??= {})[k] = String(v).trim()
    }
    return out
  }
}
