import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { rerunEvent } from '../../../rerun/index.js'
import type { RouteDeps } from '../../deps.js'
import { AdminScopeError } from './errors.js'
import { EventNotFoundError } from './events.js'
import { eventIn, viewOf } from './scope-guard.js'
import { badRequest } from './schema-compilers.js'
import * as schemas from './schemas/rerun.js'

/**
 * POST /admin/events/:id/rerun: the stored event judged again by the rules in force now;
 * what they ask for that earlier jobs did not is enqueued (nothing with dryRun) and the
 * re-run is recorded in the event's trail. With `replan: true`, the event's jobs still
 * pending or dead are planned again under the current rules (their `create:` fields) and
 * made due now, even when the tags are the same.
 */
export function rerunRoute(app: FastifyInstance, deps: RouteDeps): void {
  const options = { schema: schemas.rerunEvent, schemaErrorFormatter: badRequest('invalid body') }
  app.withTypeProvider<ZodTypeProvider>().post('/admin/events/:id/rerun', options, async (request) => {
    const { dryRun, replan } = request.body
    const rerunDeps = { store: deps.store, rules: deps.rules(), source: (name: string) => deps.sources.get(name) }
    const view = viewOf(request, deps)
    const by = `admin API (${request.ip})`
    if (!view.all) {
      // a scoped caller re-runs only events in its scope, and only when every job the plan
      // touches (new or re-planned) stays there: the dry run decides before anything is written
      const event = await deps.store.trail.getEvent(request.params.id)
      if (!event || !eventIn(view, deps, event)) throw new EventNotFoundError(request.params.id)
      const dry = await rerunEvent(rerunDeps, request.params.id, { dryRun: true, replan, by })
      const touched = [...dry.jobs.map((j) => j.location), ...dry.waiting.map((w) => w.location)]
      if (touched.some((l) => !view.has(l)) || event.jobs.some((j) => !view.has(j.location)))
        throw new AdminScopeError('this re-run reaches locations outside your scope: it')
      if (dryRun) return dry
    }
    const plan = await rerunEvent(rerunDeps, request.params.id, {
      dryRun,
      replan,
      by,
    })
    if (!plan.dryRun && (plan.jobs.length > 0 || plan.replanned.length > 0)) deps.onAccepted?.()
    request.log.info(
      {
        eventId: plan.eventId,
        rulesVersion: plan.rulesVersion,
        jobs: plan.jobs.length,
        replanned: plan.replanned.length,
        dryRun: plan.dryRun,
      },
      plan.dryRun ? 'event re-run planned (dry run)' : 'event re-run',
    )
    return plan
  })
}
