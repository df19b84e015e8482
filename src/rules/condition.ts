import { compileOperator } from './operators.js'
import { compileField } from './path.js'
import type { Condition, LeafCondition } from './schema.js'
import type { ConditionTrace, RuleEvent } from './types.js'
import { summarise } from './values.js'

export type CompiledCondition = (event: RuleEvent) => ConditionTrace

/**
 * Conditions compile once into closures; evaluating a rule is then a few function calls,
 * no parsing or lookup per event. Every condition is evaluated (no short-circuit) so the
 * trace shows the value found for each one, which is what answers "why no tag?".
 */
export function compileCondition(c: Condition): CompiledCondition {
  if ('all' in c) {
    const parts = c.all.map(compileCondition)
    return (event) => {
      const conditions = parts.map((p) => p(event))
      return { op: 'all', passed: conditions.every((t) => t.passed), conditions }
    }
  }
  if ('any' in c) {
    const parts = c.any.map(compileCondition)
    return (event) => {
      const conditions = parts.map((p) => p(event))
      return { op: 'any', passed: conditions.some((t) => t.passed), conditions }
    }
  }
  if ('not' in c) {
    const inner = compileCondition(c.not)
    return (event) => {
      const t = inner(event)
      return { op: 'not', passed: !t.passed, conditions: [t] }
    }
  }
  return compileLeaf(c)
}

function compileLeaf(c: LeafCondition): CompiledCondition {
  const { multi, read } = compileField(c.field)
  const { op, expected, test, negate } = compileOperator(c)
  const field = c.field
  if (!multi) {
    return (event) => {
      const found = read(event)
      return { op, field, expected, found: summarise(found), passed: test(found) !== negate }
    }
  }
  return (event) => {
    const found = read(event) as unknown[]
    const any = found.some(test)
    const note = found.length === 0 ? 'no elements' : `${found.filter(test).length} of ${found.length} elements match`
    return { op, field, expected, found: found.slice(0, 10).map(summarise), passed: any !== negate, note }
  }
}
