import type { FastifyInstance } from 'fastify'
import type { RouteDeps } from '../../deps.js'
import { knownNames } from './names.js'

/**
 * GET /admin/suggestions: the names the console's filters offer (sources, locations,
 * rules with their source, the tags the rules write), from the config and the location
 * registry. Locations are capped; `locationCount` says how many exist.
 */
export function suggestionRoute(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/admin/suggestions', async () => {
    const { sources, locations, locationCount, rules, tags } = knownNames(deps)
    return { sources, locations, locationCount, rules, tags }
  })
}
