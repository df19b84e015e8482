import type { FastifyInstance } from 'fastify'
import type { RouteDeps } from '../../deps.js'
import { iso } from './times.js'

interface RuleDefinition {
  name: string
  source: string
  when?: unknown
  tags?: unknown
  untag?: unknown
  location?: string
  stop?: boolean
}

/**
 * GET /admin/rules: the rules in force (their version and each rule as written, no
 * secret lives in rules) with how many accepted events each matched since this process
 * started (the `tagrelay_rule_matches_total` counter), and the sources a tester can pick.
 */
export function rulesRoute(app: FastifyInstance, deps: RouteDeps): void {
  const since = Date.now()
  app.get('/admin/rules', async () => {
    const rules = deps.rules()
    const [defs] = JSON.parse(rules.definition) as [RuleDefinition[], unknown]
    const counts = new Map<string, number>()
    for (const v of (await deps.metrics.ruleMatches.get()).values) counts.set(String(v.labels.rule), v.value)
    return {
      version: rules.version,
      matchesSince: iso(since),
      sources: deps.sources.names(),
      rules: defs.map((r) => ({
        name: r.name,
        source: r.source,
        when: r.when ?? null,
        tags: r.tags ?? [],
        untag: r.untag ?? [],
        location: r.location ?? null,
        stop: r.stop === true,
        matches: counts.get(r.name) ?? 0,
      })),
    }
  })
}
