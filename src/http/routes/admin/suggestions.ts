import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { RouteDeps } from '../../deps.js'
import { knownNames, knownRules } from './names.js'
import { sourcesIn, viewOf } from './scope-guard.js'
import { getSuggestions } from './schemas/rules.js'

/**
 * GET /admin/suggestions: the names the console's filters offer (sources, locations,
 * rules with their source, the tags the rules write), from the config and the location
 * registry. Locations are capped; `locationCount` says how many exist.
 */
export function suggestionRoute(app: FastifyInstance, deps: RouteDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get('/admin/suggestions', { schema: getSuggestions }, async (request) => {
    const { sources, locations, locationCount, rules, tags } = knownNames(deps)
    const view = viewOf(request, deps)
    if (view.all) return { sources, locations, locationCount, rules, tags }
    // a scoped caller is offered the names of its own locations and sources only
    const mine = new Set(sourcesIn(view, deps))
    const names = view.entries.map((e) => e.name)
    const ownRules = rules.filter((r) => mine.has(r.source))
    const ownTags = knownRules(deps)
      .filter((r) => mine.has(r.source))
      .flatMap((r) => r.tags)
    return {
      sources: sources.filter((s) => mine.has(s)),
      locations: names.slice(0, locations.length),
      locationCount: names.length,
      rules: ownRules,
      tags: tags.filter((t) => ownTags.includes(t)),
    }
  })
}
