import type { FastifyInstance, FastifyRequest } from 'fastify'
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
import { viewOf } from './scope-guard.js'

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
  /**
   * The scope as the store's filter: a scoped caller's dead letters are chosen in the
   * query (`locations`), so pages are full and counts hold nothing outside.
   */
  const scoped = (request: FastifyRequest) => {
    const view = viewOf(request, deps)
    return view.all ? {} : { locations: view.keys }
  }
  /** A dead letter in the caller's scope, or the 404 an unknown id gets. */
  const inScope = async (request: FastifyRequest, id: number): Promise<number> => {
    const view = viewOf(request, deps)
    if (view.all) return id
    const found = await deps.store.getDeadLetter(id)
    if (!found || !view.has(found.job.location)) throw new DeadLetterNotFoundError(id)
    return id
  }
  const idsInScope = async (request: FastifyRequest, ids: number[]): Promise<number[]> => {
    const kept: number[] = []
    for (const id of ids) if (await inScope(request, id).catch(() => null)) kept.push(id)
    return kept
  }
  app.get('/admin/dead-letters', async (request) => {
    const { limit, after, ...asked } = parse(listQuery, request.query)
    const f = { ...asked, ...scoped(request) }
    if (storeOnly(f)) {
      const items = await listDeadLetters(deps.store, {
        limit,
        afterId: after,
        ...(f.location ? { location: f.location } : {}),
        ...('locations' in f ? { locations: f.locations } : {}),
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
    const view = viewOf(request, deps)
    const f = { ...parse(countQuery, request.query), ...scoped(request) }
    if (!storeOnly(f)) return { count: (await scanDead(deps, f, 0, Number.MAX_SAFE_INTEGER)).items.length }
    if (f.location === undefined && view.all) return { count: await deps.store.countJobs('dead') }
    // per location from the queue figures: only the locations in scope are summed
    const counted = (q: { location: string }) =>
      f.location === undefined ? view.has(q.location) : q.location === f.location && view.has(q.location)
    return { count: (await deps.store.queueStats()).filter(counted).reduce((n, q) => n + q.dead, 0) }
  })
  app.get('/admin/dead-letters/groups', async (request) => ({
    groups: await groupDead(deps, { ...parse(countQuery, request.query), ...scoped(request) }),
  }))
  app.post('/admin/dead-letters/discard', async (request) => {
    const { ids } = parse(discardBody, request.body)
    const discarded: number[] = []
    for (const id of await idsInScope(request, ids)) {
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
    deadLetterOut(await inspectDeadLetter(deps.store, await inScope(request, parse(idParams, request.params).id))),
  )
  app.post('/admin/dead-letters/:id/replay', async (request) => {
    const id = await inScope(request, parse(idParams, request.params).id)
    const replayed = await replayUnderRules(replayDeps(), [id])
    deps.onAccepted?.()
    return { replayed }
  })
  app.post('/admin/dead-letters/replay', async (request) => {
    const body = parse(replayBody, request.body)
    const view = viewOf(request, deps)
    // "all" of a scoped caller is every dead letter of its locations, chosen in the store query
    const which = view.all
      ? 'all' in body
        ? ('all' as const)
        : body.ids
      : 'all' in body
        ? await allDeadIds(deps, view.keys)
        : await idsInScope(request, body.ids)
    const replayed = which === 'all' || which.length > 0 ? await replayUnderRules(replayDeps(), which) : []
    deps.onAccepted?.()
    return { replayed }
  })
  app.delete('/admin/dead-letters/:id', async (request, reply) => {
    await discardDeadLetter(deps.store, await inScope(request, parse(idParams, request.params).id))
    return reply.code(204).send()
  })
}

/** Every dead letter of these locations, by id (the store filters; a page at a time). */
async function allDeadIds(deps: Pick<RouteDeps, 'store'>, locations: readonly string[]): Promise<number[]> {
  const ids: number[] = []
  for (;;) {
    const page = await deps.store.listDeadLetters({ limit: 1000, afterId: ids.at(-1) ?? 0, locations })
    ids.push(...page.map((j) => j.id))
    if (page.length < 1000) return ids
  }
}
