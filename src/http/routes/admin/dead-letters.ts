import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { formatIssues } from '../../../config/index.js'
import {
  DeadLetterNotFoundError,
  discardDeadLetter,
  inspectDeadLetter,
  listDeadLetters,
} from '../../../delivery/index.js'
import { replayUnderRules } from '../../../rerun/index.js'
import type { RouteDeps } from '../../deps.js'
import { AdminBadRequestError } from './errors.js'
import { deadLetterOut } from './times.js'
import { describeDead, groupDead, rulesSources, scanDead, storeOnly } from './dead-letter-groups.js'

const idParams = z.object({ id: z.coerce.number().int().positive() })
const filters = {
  location: z.string().min(1).optional(),
  code: z.string().min(1).optional(),
  source: z.string().min(1).optional(),
  rule: z.string().min(1).optional(),
  olderThanMinutes: z.coerce.number().int().min(0).optional(),
}
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.coerce.number().int().min(0).default(0),
  ...filters,
})
const countQuery = z.strictObject(filters)
const discardBody = z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(1000) })
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
export function deadLetterRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const replayDeps = () => ({
    store: deps.store,
    rules: deps.rules(),
    source: (name: string) => deps.sources.get(name),
  })
  app.get('/admin/dead-letters', async (request) => {
    const { limit, after, ...f } = parse(listQuery, request.query)
    if (storeOnly(f)) {
      const items = await listDeadLetters(deps.store, {
        limit,
        afterId: after,
        ...(f.location ? { location: f.location } : {}),
      })
      const sourceOf = rulesSources(deps)
      return {
        items: items.map((d) => deadLetterOut(describeDead(d, sourceOf))),
        next: items.length === limit ? items.at(-1)?.id : null,
      }
    }
    const { items, next } = await scanDead(deps, f, after, limit)
    return { items: items.map(deadLetterOut), next }
  })
  app.get('/admin/dead-letters/count', async (request) => {
    const f = parse(countQuery, request.query)
    if (!storeOnly(f)) return { count: (await scanDead(deps, f, 0, Number.MAX_SAFE_INTEGER)).items.length }
    if (f.location === undefined) return { count: await deps.store.countJobs('dead') }
    return { count: (await deps.store.queueStats()).find((q) => q.location === f.location)?.dead ?? 0 }
  })
  app.get('/admin/dead-letters/groups', async (request) => ({
    groups: await groupDead(deps, parse(countQuery, request.query)),
  }))
  app.post('/admin/dead-letters/discard', async (request) => {
    const { ids } = parse(discardBody, request.body)
    const discarded: number[] = []
    for (const id of ids) {
      try {
        await discardDeadLetter(deps.store, id)
        discarded.push(id)
      } catch (err) {
        if (!(err instanceof DeadLetterNotFoundError)) throw err
      }
    }
    return { discarded }
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
