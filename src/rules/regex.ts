import { RE2JS } from 're2js'
import { problemOf } from './problem.js'

/**
 * `matches` uses RE2 semantics (the re2js package): matching time is linear in the input,
 * so no pattern can backtrack catastrophically on a hostile payload. The price is that
 * look-around and back-references are refused at load, with RE2's own message.
 */
export function compileRegex(pattern: string, caseSensitive: boolean): (s: string) => boolean {
  const re = RE2JS.compile(pattern, caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE)
  return (s) => re.test(s)
}

export function regexProblem(pattern: string): string | undefined {
  const problem = problemOf(() => RE2JS.compile(pattern))
  return problem === undefined
    ? undefined
    : `invalid regular expression (RE2 syntax: no look-around or back-references): ${problem}`
}
