import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import {
  DeadLetterNotFoundError,
  discardDeadLetter,
  inspectDeadLetter,
  listDeadLetters,
} from '../../../delivery/index.js'
import { replayUnderRules } from '../../../rerun/index.js'
import type { RouteDeps } from '../../deps.js'
import { deadLetterOut, deadRowOut } from './times.js'
import { describeDead, groupDead, rulesSources, scanDead, storeOnly } from './dead-letter-groups.js'
import { viewOf } from './scope-guard.js'
import * as schemas from './schemas/dead-letters.js'

/**
 * /admin/dead-letters: jobs that will not be retried (permanent errors, exhausted
 * retries). Each names its event (`eventId`; the event itself at /admin/events/:id) and
 * keeps every attempt with HighLevel's answer. Replay puts jobs back in the queue with a
 * fresh retry schedule and the rules in force's `create:` fields, and wakes the worker; discard deletes the job, not its event.
 * Times are ISO 8601, as everywhere in the admin API.
 */
export function deadLetterRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
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
    const found = await deps.store.deadLetters.get(id)
    if (!found || !view.has(found.job.location)) throw new DeadLetterNotFoundError(id)
    return id
  }
  const idsInScope = async (request: FastifyRequest, ids: number[]): Promise<number[]> => {
    const kept: number[] = []
    for (const id of ids) if (await inScope(request, id).catch(() => null)) kept.push(id)
    return kept
  }
  api.get('/admin/dead-letters', { schema: schemas.listDeadLetters }, async (request) => {
    const { limit, after, ...asked } = request.query
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
        items: items.map((d) => deadRowOut(describeDead(d, sourceOf))),
        next: items.length === limit ? (items.at(-1)?.id ?? null) : null,
      }
    }
    const { items, next } = await scanDead(deps, f, after, limit)
    return { items: items.map(deadRowOut), next }
  })
  api.get('/admin/dead-letters/count', { schema: schemas.countDeadLetters }, async (request) => {
    const view = viewOf(request, deps)
    const f = { ...request.query, ...scoped(request) }
    if (!storeOnly(f)) return { count: (await scanDead(deps, f, 0, Number.MAX_SAFE_INTEGER)).items.length }
    if (f.location === undefined && view.all) return { count: await deps.store.housekeeping.countJobs('dead') }
    // per location from the queue figures: only the locations in scope are summed
    const counted = (q: { location: string }) =>
      f.location === undefined ? view.has(q.location) : q.location === f.location && view.has(q.location)
    return { count: (await deps.store.jobs.stats()).filter(counted).reduce((n, q) => n + q.dead, 0) }
  })
  api.get('/admin/dead-letters/groups', { schema: schemas.groupDeadLetters }, async (request) => ({
    groups: await groupDead(deps, { ...request.query, ...scoped(request) }),
  }))
  api.post('/admin/dead-letters/discard', { schema: schemas.discardDeadLetters }, async (request) => {
    const { ids } = request.body
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
  api.get('/admin/dead-letters/:id', { schema: schemas.getDeadLetter }, async (request) =>
    deadLetterOut(await inspectDeadLetter(deps.store, await inScope(request, request.params.id))),
  )
  api.post('/admin/dead-letters/:id/replay', { schema: schemas.replayDeadLetter }, async (request) => {
    const id = await inScope(request, request.params.id)
    const replayed = await replayUnderRules(replayDeps(), [id])
    deps.onAccepted?.()
    return { replayed }
  })
  api.post('/admin/dead-letters/replay', { schema: schemas.replayDeadLetters }, async (request) => {
    const { body } = request
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
  api.delete('/admin/dead-letters/:id', { schema: schemas.discardDeadLetter }, async (request, reply) => {
    await discardDeadLetter(deps.store, await inScope(request, request.params.id))
    return reply.code(204).send()
  })
}

/** Every dead letter of these locations, by id (the store filters; a page at a time). */
async function allDeadIds(deps: Pick<RouteDeps, 'store'>, locations: readonly string[]): Promise<number[]> {
  const ids: number[] = []
  for (;;) {
    const page = await deps.store.deadLetters.list({ limit: 1000, afterId: ids.at(-1) ?? 0, locations })
    ids.push(...page.map((j) => j.id))
    if (page.length < 1000) return ids
  }
}
