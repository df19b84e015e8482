/**
 * Value coercions shared by operators and templates. Form tools send most answers as
 * text, so a numeric string counts as a number and an ISO string as a date; anything
 * else is the wrong type and never matches.
 *
 * Why each pattern is unambiguous and each input bounded: they run on payload values, so
 * a regular expression that can split a run of digits two ways (`\d+\.?\d*`) backtracks
 * quadratically on `'1'.repeat(50000) + 'x'`. Here every character has one place to go,
 * and text longer than any real number or date is refused before a pattern sees it.
 */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/
const NUMERIC = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i
/** 2026-01-31T09:00:00.123456789+01:00 is 35 characters; room for longer fractions */
const MAX_DATE_LENGTH = 64
/** far more digits than a double holds (17 significant); longer text is not a number a form sends */
export const MAX_NUMBER_LENGTH = 64

export function isIsoDate(s: string): boolean {
  return s.length <= MAX_DATE_LENGTH && ISO_DATE.test(s) && !Number.isNaN(Date.parse(s))
}

/** epoch ms of an ISO date string, else undefined */
export function dateValue(v: unknown): number | undefined {
  return typeof v === 'string' && isIsoDate(v) ? Date.parse(v) : undefined
}

/** a finite number, from a number or a numeric string (spaces around allowed), else undefined */
export function numberValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  if (typeof v !== 'string') return undefined
  const s = v.trim()
  if (s.length > MAX_NUMBER_LENGTH || !NUMERIC.test(s)) return undefined
  const n = Number(s)
  return Number.isFinite(n) ? n : undefined
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
