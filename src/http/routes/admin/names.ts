import type { RouteDeps } from '../../deps.js'

interface RuleDef {
  name: string
  source: string
  tags?: unknown
}

/** A rule as the console's filters and the "why no tag" answer need it: name, source, the tags it writes. */
export interface KnownRule {
  name: string
  source: string
  /** the tags as written; a template (`{{ … }}`) may render to anything */
  tags: string[]
}

/** The rules in force, read from their definition (the one copy of what each rule adds). */
export function knownRules(deps: Pick<RouteDeps, 'rules'>): KnownRule[] {
  const [defs] = JSON.parse(deps.rules().definition) as [RuleDef[], unknown]
  return defs.map((r) => ({
    name: r.name,
    source: r.source,
    tags: (Array.isArray(r.tags) ? r.tags : []).map((t) => (typeof t === 'string' ? t : JSON.stringify(t))),
  }))
}

const MAX_LOCATIONS = 2000

/**
 * The names a filter can take, from the config and the location registry: what the
 * console offers as suggestions and what a typed name is matched against.
 */
export function knownNames(deps: Pick<RouteDeps, 'rules' | 'sources' | 'config' | 'locations'>) {
  const rules = knownRules(deps)
  const locations = deps.locations?.list().map((l) => l.name) ?? Object.keys(deps.config.highlevel.locations)
  const tags = [...new Set(rules.flatMap((r) => r.tags).filter((t) => !t.includes('{{')))].sort()
  return {
    sources: deps.sources.names(),
    locations: locations.slice(0, MAX_LOCATIONS),
    locationCount: locations.length,
    rules: rules.map((r) => ({ name: r.name, source: r.source })),
    tags,
    allLocations: locations,
  }
}

/**
 * A typed name against the known ones: the exact name, else the one equal in any case;
 * unknown names are kept as typed (a tag may come from a template) with a warning that
 * names the nearest known ones, so "acm" or "Calendly" do not silently find nothing.
 */
export function canonical(
  kind: string,
  typed: string,
  known: readonly string[],
  warnings: string[],
  strict = true,
): string {
  if (known.includes(typed)) return typed
  const lower = typed.toLowerCase()
  const same = known.find((k) => k.toLowerCase() === lower)
  if (same !== undefined) return same
  const near = known.filter((k) => k.toLowerCase().includes(lower) || lower.includes(k.toLowerCase())).slice(0, 3)
  if (strict || near.length > 0)
    warnings.push(
      `no ${kind} is named "${typed}"${near.length ? `: did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''}`,
    )
  return typed
}
