import type { z } from 'zod'
import { knownKeysAt } from './known-keys.js'
import type { Problem } from './positions.js'

/** What a message can quote: the schema that was applied and the value it was applied to. */
export interface IssueContext {
  schema: z.ZodType
  input: unknown
}

/**
 * zod issues → problems, one per issue, unions flattened to their best branch, each in
 * plain words with the valid choices where there is a list (keys, operators, verify and
 * auth types, enum values). A refinement failing where an unknown key was found is left
 * out: it is the typo's echo (`equal:` instead of `equals:` also makes "needs exactly one
 * operator"), not a second mistake.
 */
export function issueProblems(
  issues: readonly z.core.$ZodIssue[],
  prefix: PropertyKey[] = [],
  context?: IssueContext,
  /** where `issues` sit inside `context.schema` (for a union's branch) */
  base: PropertyKey[] = [],
): Problem[] {
  const out: Problem[] = []
  const unknownKeysAt = new Set(issues.filter((i) => i.code === 'unrecognized_keys').map((i) => i.path.join('.')))
  for (const issue of issues) {
    if (issue.code === 'custom' && unknownKeysAt.has(issue.path.join('.'))) continue
    const path = [...prefix, ...issue.path]
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // the branch with the fewest issues; on a tie, one that got past the type check
      // (its message is the useful one, e.g. a size pattern rather than "expected number")
      const score = (branch: readonly z.core.$ZodIssue[]): number =>
        branch.length + (branch.every((i) => i.code === 'invalid_type') ? 0.5 : 0)
      const best = issue.errors.reduce((a, b) => (score(b) < score(a) ? b : a))
      out.push(...issueProblems(best, path, context, [...base, ...issue.path]))
      continue
    }
    out.push({ path, message: plainMessage(issue, context, [...base, ...issue.path]) })
  }
  return out
}

function plainMessage(issue: z.core.$ZodIssue, context: IssueContext | undefined, at: PropertyKey[]): string {
  const value = context ? valueAt(context.input, at) : undefined
  const quoted = typeof value === 'string' || typeof value === 'number' ? ` "${value}"` : ''
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = context ? knownKeysAt(context.schema, at) : []
      const operators = known.includes('equals')
      const what = operators ? 'operator' : 'key'
      const valid = operators
        ? known.filter((k) => !['all', 'any', 'not', 'field', 'case_sensitive'].includes(k))
        : known
      const names = issue.keys.map((k) => `"${k}"`).join(', ')
      const list = valid.length > 0 ? ` (valid: ${valid.join(', ')})` : ''
      return `unknown ${what}${issue.keys.length === 1 ? '' : 's'} ${names}${list}`
    }
    case 'invalid_union': {
      const { discriminator, options } = issue as { discriminator?: string; options?: unknown[] }
      if (discriminator && options)
        return `unknown ${discriminator}${quoted} (valid: ${options.map(String).join(', ')})`
      return issue.message
    }
    case 'invalid_value':
      return `${quoted ? `${quoted.trim()} is not valid` : 'invalid value'} (valid: ${issue.values.map(String).join(', ')})`
    case 'invalid_type':
      return issue.input === undefined && /received undefined$/.test(issue.message)
        ? `missing (a ${issue.expected} is required here)`
        : `expected a ${issue.expected}${value === undefined ? '' : `, got ${describe(value)}`}`
    default:
      return issue.message
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[k]
  }
  return v
}

/** The kind of a value, never the value: a mistyped key may hold a secret. */
function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list'
  if (v === null) return 'null'
  if (typeof v === 'object') return 'a mapping'
  return typeof v === 'string' ? 'text' : `a ${typeof v}`
}

/** zod issues → `key.path: reason`, one per problem. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string[] {
  return issueProblems(issues, prefix).map(
    (p) => `${p.path.length > 0 ? p.path.map(String).join('.') : '(root)'}: ${p.message}`,
  )
}
