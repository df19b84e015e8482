import type { Problem } from './positions.js'
import type { RuleEntry } from './rule-files.js'

/**
 * Checks that span keys and files: a source's or a rule's location exists, a rule's source
 * exists, rule names are unique across every file. They run on the raw (interpolated)
 * values, apart from the zod schema, so they are reported even when another key has the
 * wrong type: zod skips refinements once any type check fails, and a user should see
 * every problem in one run.
 */
export function sourceProblems(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = []
  const locations = knownLocations(raw)
  for (const [name, source] of Object.entries(record(raw.sources))) {
    const location = record(source).location
    if (typeof location === 'string' && !locations.includes(location)) {
      problems.push({ path: ['sources', name, 'location'], message: unknownLocation(location, locations) })
    }
  }
  return problems
}

export function ruleReferenceProblems(
  raw: Record<string, unknown>,
  entries: readonly RuleEntry[],
): Array<{ entry: RuleEntry; problem: Problem }> {
  const out: Array<{ entry: RuleEntry; problem: Problem }> = []
  const locations = knownLocations(raw)
  const sources = record(raw.sources)
  const seen = new Set<string>()
  for (const entry of entries) {
    const { name, source, location } = record(entry.raw)
    const at = (key: string, message: string) => out.push({ entry, problem: { path: [...entry.path, key], message } })
    if (typeof source === 'string' && !(source in sources)) at('source', `unknown source "${source}"`)
    if (typeof location === 'string' && !locations.includes(location))
      at('location', unknownLocation(location, locations))
    if (typeof name === 'string') {
      if (seen.has(name)) at('name', `duplicate rule name "${name}"`)
      seen.add(name)
    }
  }
  return out
}

function knownLocations(raw: Record<string, unknown>): string[] {
  return Object.keys(record(record(raw.highlevel).locations))
}

function unknownLocation(location: string, known: string[]): string {
  return `unknown location "${location}" (known: ${known.join(', ') || 'none'})`
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
}
