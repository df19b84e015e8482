import { compilePath } from './path.js'
import type { Condition, LeafCondition } from './schema.js'
import type { ConditionTrace } from './types.js'

export type CompiledCondition = (body: unknown) => ConditionTrace

type Scalar = string | number | boolean | null

/**
 * Conditions compile once into closures; evaluating a rule is then a few function calls,
 * no parsing or lookup per event. Strings compare case-insensitively, and a number equals
 * its decimal string, because form tools send every answer as text.
 */
export function compileCondition(c: Condition): CompiledCondition {
  if ('all' in c) {
    const parts = c.all.map(compileCondition)
    return (body) => group('all', parts, body, (ts) => ts.every((t) => t.passed))
  }
  if ('any' in c) {
    const parts = c.any.map(compileCondition)
    return (body) => group('any', parts, body, (ts) => ts.some((t) => t.passed))
  }
  if ('not' in c) {
    const inner = compileCondition(c.not)
    return (body) => {
      const t = inner(body)
      return { op: 'not', passed: !t.passed, conditions: [t] }
    }
  }
  return compileLeaf(c)
}

function group(op: 'all' | 'any', parts: CompiledCondition[], body: unknown, decide: (ts: ConditionTrace[]) => boolean): ConditionTrace {
  const conditions = parts.map((p) => p(body))
  return { op, passed: decide(conditions), conditions }
}

function compileLeaf(c: LeafCondition): CompiledCondition {
  const read = compilePath(c.field)
  const [op, expected, test] = leafTest(c)
  return (body) => {
    const found = read(body)
    return { op, field: c.field, expected, found: summarise(found), passed: test(found) }
  }
}

function leafTest(c: LeafCondition): [string, unknown, (found: unknown) => boolean] {
  if (c.equals !== undefined) {
    const want = c.equals
    return ['equals', want, (found) => scalarEquals(found, want)]
  }
  if (c.in !== undefined) {
    const want = c.in
    return ['in', want, (found) => want.some((w) => scalarEquals(found, w))]
  }
  if (c.exists !== undefined) {
    const want = c.exists
    return ['exists', want, (found) => (found !== undefined && found !== null) === want]
  }
  const needle = String(c.contains).toLowerCase()
  return [
    'contains',
    c.contains,
    (found) =>
      typeof found === 'string'
        ? found.toLowerCase().includes(needle)
        : Array.isArray(found) && found.some((el) => scalarEquals(el, needle)),
  ]
}

function scalarEquals(found: unknown, want: Scalar): boolean {
  if (want === null) return found === null
  if (typeof found === 'string' || typeof found === 'number' || typeof found === 'boolean') {
    return String(found).toLowerCase() === String(want).toLowerCase()
  }
  return false
}

/** Keeps stored explanations small: long strings and whole objects are abbreviated. */
function summarise(v: unknown): unknown {
  if (typeof v === 'string') return v.length > 200 ? `${v.slice(0, 200)}…` : v
  if (Array.isArray(v)) return `[array of ${v.length}]`
  if (v !== null && typeof v === 'object') return '[object]'
  return v
}
