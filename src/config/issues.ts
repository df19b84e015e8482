import type { z } from 'zod'
import type { Problem } from './positions.js'

/**
 * zod issues → problems, one per issue, unions flattened to their best branch. A refinement
 * failing where an unknown key was found is left out: it is the typo's echo (`equal:`
 * instead of `equals:` also makes "needs exactly one operator"), not a second mistake.
 */
export function issueProblems(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): Problem[] {
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
      out.push(...issueProblems(best, path))
      continue
    }
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : issue.message
    out.push({ path, message })
  }
  return out
}

/** zod issues → `key.path: reason`, one per problem. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string[] {
  return issueProblems(issues, prefix).map(
    (p) => `${p.path.length > 0 ? p.path.map(String).join('.') : '(root)'}: ${p.message}`,
  )
}
