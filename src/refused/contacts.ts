import { parseBody } from '../sources/index.js'

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,63}$/
const PHONE_KEY = /phone|mobile|tel$|^tel|whatsapp/i
const MAX_NODES = 5_000
const MAX_FOUND = 10

/**
 * Emails and phone numbers in a refused request's body, so the list says whom it was
 * about. Only a guess (no rule ran: the request was not verified), bounded: at most
 * MAX_NODES values are looked at, so a huge body costs the same as a big one.
 */
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
