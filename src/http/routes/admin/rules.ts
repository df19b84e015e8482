import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { RouteDeps } from '../../deps.js'
import { iso } from './times.js'
import { sourcesIn, viewOf } from './scope-guard.js'
import { listRules } from './schemas/rules.js'

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
  app.withTypeProvider<ZodTypeProvider>().get('/admin/rules', { schema: listRules }, async (request) => {
    const view = viewOf(request, deps)
    // a scoped caller reads the rules of its sources that name no location outside it
    const mine = new Set(sourcesIn(view, deps))
    const shown = (r: RuleDefinition): boolean =>
      view.all || (mine.has(r.source) && (r.location === undefined || view.has(String(r.location))))
    const rules = deps.rules()
    const [defs] = JSON.parse(rules.definition) as [RuleDefinition[], unknown]
    const counts = new Map<string, number>()
    for (const v of (await deps.metrics.ruleMatches.get()).values) counts.set(String(v.labels.rule), v.value)
    return {
      version: rules.version,
      matchesSince: iso(since),
      sources: view.all ? deps.sources.names() : deps.sources.names().filter((s) => mine.has(s)),
      rules: defs.filter(shown).map((r) => ({
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
