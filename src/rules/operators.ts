import { compileRegex } from './regex.js'
import type { LeafCondition } from './schema.js'
import { OPERATORS, type Operator } from './schema.js'
import { dateValue, isScalar, numberValue } from './values.js'

/**
 * One leaf operator, compiled: `test` is the positive predicate on one value, and
 * `negate` marks the negative forms (`not_equals`, `not_in`, `exists: false`,
 * `empty: false`), which are exactly `not` of their positive form. That is what gives
 * wildcards one meaning: a positive form passes when any element passes, a negative one
 * when none does.
 */
export interface CompiledOperator {
  op: Operator
  expected: unknown
  test: (found: unknown) => boolean
  negate: boolean
}

type Want = string | number | boolean | null

/**
 * RE2 is linear, but pure-JS linear: about 60 ms on a 1 MB string, which is a stalled
 * event loop when a body carries one. A value this long is no form answer, so `matches`
 * never matches it (documented in docs/rules.md).
 */
export const MAX_MATCH_LENGTH = 64 * 1024

export function compileOperator(c: LeafCondition): CompiledOperator {
  const op = OPERATORS.find((o) => c[o] !== undefined) as Operator
  const expected = c[op]
  const cs = c.case_sensitive === true
  const fold = (s: string): string => (cs ? s : s.toLowerCase())
  const base = { op, expected, negate: false }
  switch (op) {
    case 'equals':
    case 'not_equals': {
      const want = normaliseWant(expected as Want, fold)
      return { ...base, negate: op === 'not_equals', test: (f) => scalarEquals(f, want, fold) }
    }
    case 'in':
    case 'not_in': {
      const wants = (expected as Want[]).map((w) => normaliseWant(w, fold))
      return { ...base, negate: op === 'not_in', test: (f) => wants.some((w) => scalarEquals(f, w, fold)) }
    }
    case 'contains': {
      const needle = fold(String(expected))
      return {
        ...base,
        test: (f) =>
          typeof f === 'string'
            ? fold(f).includes(needle)
            : Array.isArray(f) && f.some((el) => scalarEquals(el, needle, fold)),
      }
    }
    case 'starts_with':
    case 'ends_with': {
      const affix = fold(String(expected))
      const start = op === 'starts_with'
      return {
        ...base,
        test: (f) => typeof f === 'string' && (start ? fold(f).startsWith(affix) : fold(f).endsWith(affix)),
      }
    }
    case 'matches': {
      const re = compileRegex(expected as string, cs)
      return { ...base, test: (f) => typeof f === 'string' && f.length <= MAX_MATCH_LENGTH && re(f) }
    }
    case 'exists':
      return { ...base, negate: expected === false, test: (f) => f !== undefined && f !== null }
    case 'empty':
      return { ...base, negate: expected === false, test: isEmpty }
    case 'between': {
      const [lo, hi] = expected as [number | string, number | string]
      const read = reader(lo)
      const a = bound(lo)
      const b = bound(hi)
      return { ...base, test: (f) => inRange(read(f), a, b) }
    }
    default: {
      const read = reader(expected as number | string)
      const limit = bound(expected as number | string)
      const cmp = COMPARE[op as 'gt' | 'gte' | 'lt' | 'lte']
      return { ...base, test: (f) => compare(read(f), limit, cmp) }
    }
  }
}

const COMPARE = {
  gt: (a: number, b: number) => a > b,
  gte: (a: number, b: number) => a >= b,
  lt: (a: number, b: number) => a < b,
  lte: (a: number, b: number) => a <= b,
}

/** Numbers compare with numbers (or numeric strings); a date bound compares with ISO dates only. */
function reader(bound: number | string): (v: unknown) => number | undefined {
  return typeof bound === 'number' ? numberValue : dateValue
}

function bound(b: number | string): number {
  return typeof b === 'number' ? b : Date.parse(b)
}

function compare(v: number | undefined, limit: number, cmp: (a: number, b: number) => boolean): boolean {
  return v !== undefined && cmp(v, limit)
}

function inRange(v: number | undefined, lo: number, hi: number): boolean {
  return v !== undefined && v >= lo && v <= hi
}

/** missing, null, "" (or only spaces), [] and {} are empty; 0 and false are values */
function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true
  if (typeof v === 'string') return v.trim() === ''
  if (Array.isArray(v)) return v.length === 0
  if (typeof v === 'object') return Object.keys(v).length === 0
  return false
}

function normaliseWant(w: Want, fold: (s: string) => string): Want {
  return typeof w === 'string' ? fold(w) : w
}

/** Strings compare after folding; a number or boolean equals its text (forms send text). */
function scalarEquals(found: unknown, want: Want, fold: (s: string) => string): boolean {
  if (want === null) return found === null
  if (!isScalar(found)) return false
  if (typeof found === typeof want) return typeof found === 'string' ? fold(found) === want : found === want
  return fold(String(found)) === fold(String(want))
}
