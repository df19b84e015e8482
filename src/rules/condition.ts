import { compileOperator } from './operators.js'
import { compileField } from './path.js'
import type { Condition, LeafCondition } from './schema.js'
import type { ConditionTrace, RuleEvent } from './types.js'
import { summarise } from './values.js'

/** A condition compiled both ways: traced (for explanations) and as a bare test. */
export interface CompiledCondition {
  trace(event: RuleEvent): ConditionTrace
  passes(event: RuleEvent): boolean
}

/**
 * Conditions compile once into closures; evaluating a rule is then a few function calls,
 * no parsing or lookup per event. Traced, every condition is evaluated (no
 * short-circuit) so the trace shows the value found for each one, which is what answers
 * "why no tag?". Why a second, bare form: the ingest path needs only the verdict (the
 * trail evaluates again, traced, when someone asks), and the trace's objects were most
 * of the evaluation's cost; the bare form allocates nothing and short-circuits.
 */
export function compileCondition(c: Condition): CompiledCondition {
  if ('all' in c) return compileGroup('all', c.all)
  if ('any' in c) return compileGroup('any', c.any)
  if ('not' in c) {
    const inner = compileCondition(c.not)
    return {
      trace: (event) => {
        const t = inner.trace(event)
        return { op: 'not', passed: !t.passed, conditions: [t] }
      },
      passes: (event) => !inner.passes(event),
    }
  }
  return compileLeaf(c)
}

/** `all` passes when every part does, `any` when one does; traced, every part is evaluated. */
function compileGroup(op: 'all' | 'any', conditions: Condition[]): CompiledCondition {
  const parts = conditions.map(compileCondition)
  const holds = op === 'all' ? 'every' : 'some'
  return {
    trace: (event) => {
      const traces = parts.map((p) => p.trace(event))
      return { op, passed: traces[holds]((t) => t.passed), conditions: traces }
    },
    passes: (event) => parts[holds]((p) => p.passes(event)),
  }
}

function compileLeaf(c: LeafCondition): CompiledCondition {
  const { multi, read } = compileField(c.field)
  const { op, expected, test, negate } = compileOperator(c)
  const field = c.field
  if (!multi) {
    return {
      trace: (event) => {
        const found = read(event)
        return { op, field, expected, found: summarise(found), passed: test(found) !== negate }
      },
      passes: (event) => test(read(event)) !== negate,
    }
  }
  return {
    trace: (event) => {
      const found = read(event) as unknown[]
      const any = found.some(test)
      const note = found.length === 0 ? 'no elements' : `${found.filter(test).length} of ${found.length} elements match`
      return { op, field, expected, found: found.slice(0, 10).map(summarise), passed: any !== negate, note }
    },
    passes: (event) => (read(event) as unknown[]).some(test) !== negate,
  }
}
