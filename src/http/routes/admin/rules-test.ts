import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { formatIssues } from '../../../config/index.js'
import { testRules } from '../../../ingest/index.js'
import type { AppDeps } from '../../deps.js'
import { AdminBadRequestError } from './errors.js'
import { requireScopeAll } from './scope-guard.js'

const bodySchema = z.strictObject({
  source: z.string().min(1),
  payload: z.unknown().refine((p) => p !== undefined, { message: 'payload is required' }),
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  query: z.record(z.string(), z.unknown()).optional(),
})

/**
 * POST /admin/rules/test: evaluates the running rules on a sample payload, stores nothing
 * and delivers nothing, and answers the same explanation an event would be stored with.
 */
export function rulesTestRoute(app: FastifyInstance, deps: AppDeps): void {
  app.post('/admin/rules/test', async (request) => {
    // a payload may route to any location: the tester is for scope all only
    requireScopeAll(request, 'the rules tester')
    const parsed = bodySchema.safeParse(request.body)
    if (!parsed.success)
      throw new AdminBadRequestError(`invalid request: ${formatIssues(parsed.error.issues).join('; ')}`)
    const { source: name, payload, headers = {}, query = {} } = parsed.data
    const source = deps.sources.get(name)
    return testRules(
      deps.rules(),
      source,
      { body: payload, headers, query, receivedAt: Date.now() },
      deps.config.delivery.contactNotFoundRetryHours,
    )
  })
}
