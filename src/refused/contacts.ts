import { parseBody } from '../sources/index.js'
import { REFUSED_HEAD_BYTES, type RefusedSummary } from '../store/index.js'

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,63}$/
/** an email inside any text (JSON, form fields, XML), for a body cut at REFUSED_HEAD_BYTES */
const EMAIL_IN_TEXT = /[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,5}\.[a-z]{2,63}/gi
const PHONE_KEY = /phone|mobile|tel$|^tel|whatsapp/i
const MAX_NODES = 5_000
const MAX_FOUND = 10

/**
 * Emails and phone numbers in a kept refused request, so the admin view says whom it was
 * about. Only a guess (no rule ran: the request was not verified), and never on receipt:
 * it runs when the list or the detail is shown, on the body's first REFUSED_HEAD_BYTES.
 * A body that fits is parsed (emails anywhere, phones under phone-like keys); a longer
 * one is only scanned for emails, as text. Bounded either way: at most MAX_NODES values
 * are looked at, and never more than REFUSED_HEAD_BYTES of the body.
 */
export function refusedContacts(head: RefusedSummary['head']): string[] {
  const bytes = head.body.subarray(0, REFUSED_HEAD_BYTES)
  if (head.complete && bytes.length === head.body.length)
    return contactIdentifiers(bytes, head.contentType ?? undefined)
  const text = bytes.toString('utf8').replace(/%40/gi, '@')
  const found = new Set<string>()
  for (const m of text.matchAll(EMAIL_IN_TEXT)) {
    if (found.size >= MAX_FOUND) break
    found.add(m[0].toLowerCase())
  }
  return [...found]
}

/** The contacts of a whole (small) body; `refusedContacts` is the bounded entry point. */
export function contactIdentifiers(raw: Buffer, contentType: string | undefined): string[] {
  let body: unknown
  try {
    body = parseBody(raw, contentType)
  } catch {
    return []
  }
  const found = new Set<string>()
  const stack: Array<{ key: string; value: unknown }> = [{ key: '', value: body }]
  let seen = 0
  while (stack.length > 0 && seen < MAX_NODES && found.size < MAX_FOUND) {
    const { key, value } = stack.pop()!
    seen += 1
    if (typeof value === 'string') {
      const v = value.trim()
      if (v.length <= 254 && EMAIL.test(v)) found.add(v.toLowerCase())
      else if (PHONE_KEY.test(key) && /^\+?[\d\s().-]{7,20}$/.test(v)) found.add(v.replace(/[^\d+]/g, ''))
    } else if (typeof value === 'number' && PHONE_KEY.test(key) && Number.isSafeInteger(value)) {
      found.add(String(value))
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0 && stack.length < MAX_NODES; i--) stack.push({ key, value: value[i] })
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value)
      for (let i = entries.length - 1; i >= 0 && stack.length < MAX_NODES; i--) {
        const [k, v] = entries[i]!
        stack.push({ key: k, value: v })
      }
    }
  }
  return [...found]
}
