import type { RuleTrace, Unmatched } from './types.js'

/**
 * What a person is told about a job whose contact is looked up but never created: said
 * once here, and repeated by `check`, `test-rule`, the 202 answer and the console.
 */
export function noCreateAdvice(contactNotFoundRetryHours: number): string {
  return `new people wait up to ${contactNotFoundRetryHours} h, then become dead letters; add \`create:\` to make them`
}

/** Identifiers the event had but no rule could use (a phone with no country...), per rule. */
export function ignoredIdentifiers(trace: readonly RuleTrace[]): Unmatched[] {
  return trace.flatMap((t) => (t.ignored ?? []).map((reason) => ({ rule: t.rule, reason })))
}
