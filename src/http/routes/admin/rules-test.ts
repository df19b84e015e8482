import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { testRules } from '../../../ingest/index.js'
import type { AppDeps } from '../../deps.js'
import { scopeAll } from './scope-guard.js'
import * as schemas from './schemas/rules.js'

/**
 * POST /admin/rules/test: evaluates the running rules on a sample payload, stores nothing
 * and delivers nothing, and answers the same explanation an event would be stored with.
 */
export function rulesTestRoute(app: FastifyInstance, deps: AppDeps): void {
  // a payload may route to any location: the tester is for scope all only
  const options = { schema: schemas.testRules, preValidation: scopeAll('the rules tester') }
  app.withTypeProvider<ZodTypeProvider>().post('/admin/rules/test', options, async (request) => {
    const { source: name, payload, headers = {}, query = {} } = request.body
    const source = deps.sources.get(name)
    return testRules(
      deps.rules(),
      source,
      { body: payload, headers, query, receivedAt: Date.now() },
      deps.config.delivery.contactNotFoundRetryHours,
    )
  })
}
