/**
 * Checks that span keys: a source's location exists, a rule's source exists, rule names
 * are unique. They run on the raw (interpolated) object, apart from the zod schema, so
 * they are reported even when another key has the wrong type: zod skips refinements once
 * any type check fails, and a user should see every problem in one run.
 */
export function crossReferenceProblems(raw: Record<string, unknown>): string[] {
  const problems: string[] = []
  const locations = Object.keys(record(record(raw.highlevel).locations))
  const sources = record(raw.sources)
  for (const [name, source] of Object.entries(sources)) {
    const location = record(source).location
    if (typeof location === 'string' && !locations.includes(location)) {
      problems.push(`sources.${name}.location: unknown location "${location}" (known: ${locations.join(', ') || 'none'})`)
    }
  }
  const seen = new Set<string>()
  const rules = Array.isArray(raw.rules) ? raw.rules : []
  rules.forEach((rule: unknown, i) => {
    const { name, source } = record(rule)
    if (typeof source === 'string' && !(source in sources)) {
      problems.push(`rules.${i}.source: rule "${String(name)}": unknown source "${source}"`)
    }
    if (typeof name === 'string') {
      if (seen.has(name)) problems.push(`rules.${i}.name: duplicate rule name "${name}"`)
      seen.add(name)
    }
  })
  return problems
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
}
