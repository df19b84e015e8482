import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { formatIssues } from '../../../config/index.js'
import { discardDeadLetter, inspectDeadLetter, listDeadLetters } from '../../../delivery/index.js'
import { replayUnderRules } from '../../../rerun/index.js'
import type { AppDeps } from '../../deps.js'
import { AdminBadRequestError } from './errors.js'
import { deadLetterOut } from './times.js'

const idParams = z.object({ id: z.coerce.number().int().positive() })
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.coerce.number().int().min(0).default(0),
  location: z.string().min(1).optional(),
})
const countQuery = z.strictObject({ location: z.string().min(1).optional() })
const replayBody = z.union([
  z.strictObject({ ids: z.array(z.number().int().positive()).min(1) }),
  z.strictObject({ all: z.literal(true) }),
])

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {})
  if (!parsed.success)
    throw new AdminBadRequestError(`invalid request: ${formatIssues(parsed.error.issues).join('; ')}`)
  return parsed.data
}

/**
 * /admin/dead-letters: jobs that will not be retried (permanent errors, exhausted
 * retries). Each names its event (`eventId`; the event itself at /admin/events/:id) and
 * keeps every attempt with HighLevel's answer. Replay puts jobs back in the queue with a
 * fresh retry schedule and the rules in force's `create:` fields, and wakes the worker; discard deletes the job, not its event.
 * Times are ISO 8601, as everywhere in the admin API.
 */
export function deadLetterRoutes(app: FastifyInstance, deps: AppDeps): void {
  const replayDeps = () => ({
    store: deps.store,
    rules: deps.rules(),
    source: (name: string) => deps.sources.get(name),
  })
  app.get('/admin/dead-letters', async (request) => {
    const q = parse(listQuery, request.query)
    const items = await listDeadLetters(deps.store, {
      limit: q.limit,
      afterId: q.after,
      ...(q.location ? { location: q.location } : {}),
    })
    return { items: items.map(deadLetterOut), next: items.length === q.limit ? items.at(-1)?.id : null }
  })
  app.get('/admin/dead-letters/count', async (request) => {
    const { location } = parse(countQuery, request.query)
    if (location === undefined) return { count: await deps.store.countJobs('dead') }
    return { count: (await deps.store.queueStats()).find((q) => q.location === location)?.dead ?? 0 }
  })
  app.get('/admin/dead-letters/:id', async (request) =>
    deadLetterOut(await inspectDeadLetter(deps.store, parse(idParams, request.params).id)),
  )
  app.post('/admin/dead-letters/:id/replay', async (request) => {
    const replayed = await replayUnderRules(replayDeps(), [parse(idParams, request.params).id])
    deps.onAccepted?.()
    return { replayed }
  })
  app.post('/admin/dead-letters/replay', async (request) => {
    const body = parse(replayBody, request.body)
    const replayed = await replayUnderRules(replayDeps(), 'all' in body ? 'all' : body.ids)
    deps.onAccepted?.()
    return { replayed }
  })
  app.delete('/admin/dead-letters/:id', async (request, reply) => {
    await discardDeadLetter(deps.store, parse(idParams, request.params).id)
    return reply.code(204).send()
  })
}
