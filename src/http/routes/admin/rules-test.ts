import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { formatIssues } from '../../../config/index.js'
import { formatEvaluation } from '../../../rules/index.js'
import { redactHeaders, redactQuery } from '../../../sources/index.js'
import type { AppDeps } from '../../deps.js'
import { AdminBadRequestError } from './errors.js'

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
    const parsed = bodySchema.safeParse(request.body)
    if (!parsed.success)
      throw new AdminBadRequestError(`invalid request: ${formatIssues(parsed.error.issues).join('; ')}`)
    const { source: name, payload, headers = {}, query = {} } = parsed.data
    const source = deps.sources.get(name)
    const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
    const rules = deps.rules()
    const evaluation = rules.evaluate({
      source: source.name,
      body: payload,
      headers: redactHeaders(lowered, source.secretHeaders),
      query: redactQuery(query, source.secretQuery),
      receivedAt: Date.now(),
    })
    const intents = evaluation.intents.map((i) => ({ ...i, location: i.location ?? source.location }))
    return {
      rulesVersion: rules.version,
      source: source.name,
      tags: [...new Set(intents.flatMap((i) => i.add))],
      intents,
      unmatched: evaluation.unmatched,
      trace: evaluation.trace,
      explanation: formatEvaluation(evaluation, { source: source.name, rulesVersion: rules.version }),
    }
  })
}
