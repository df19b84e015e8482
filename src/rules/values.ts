/**
 * Value coercions shared by operators and templates. Form tools send most answers as
 * text, so a numeric string counts as a number and an ISO string as a date; anything
 * else is the wrong type and never matches.
 */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/
const NUMERIC = /^\s*-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i

export function isIsoDate(s: string): boolean {
  return ISO_DATE.test(s) && !Number.isNaN(Date.parse(s))
}

/** epoch ms of an ISO date string, else undefined */
export function dateValue(v: unknown): number | undefined {
  return typeof v === 'string' && isIsoDate(v) ? Date.parse(v) : undefined
}

/** a finite number, from a number or a numeric string, else undefined */
export function numberValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v)
  return undefined
}

export type Scalar = string | number | boolean

export function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
}

/** Keeps stored explanations small: long strings and whole objects are abbreviated. */
export function summarise(v: unknown): unknown {
  if (typeof v === 'string') return v.length > 200 ? `${v.slice(0, 200)}…` : v
  if (Array.isArray(v)) return `[array of ${v.length}]`
  if (v !== null && typeof v === 'object') return '[object]'
  return v
}
