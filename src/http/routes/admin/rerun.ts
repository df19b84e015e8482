import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { formatIssues } from '../../../config/index.js'
import { rerunEvent } from '../../../rerun/index.js'
import type { RouteDeps } from '../../deps.js'
import { AdminBadRequestError } from './errors.js'

const body = z
  .strictObject({ dryRun: z.boolean().default(false), replan: z.boolean().default(false) })
  .default({ dryRun: false, replan: false })

/**
 * POST /admin/events/:id/rerun: the stored event judged again by the rules in force now;
 * what they ask for that earlier jobs did not is enqueued (nothing with dryRun) and the
 * re-run is recorded in the event's trail. With `replan: true`, the event's jobs still
 * pending or dead are planned again under the current rules (their `create:` fields) and
 * made due now, even when the tags are the same.
 */
export function rerunRoute(app: FastifyInstance, deps: RouteDeps): void {
  app.post<{ Params: { id: string } }>('/admin/events/:id/rerun', async (request) => {
    const parsed = body.safeParse(request.body ?? undefined)
    if (!parsed.success) throw new AdminBadRequestError(`invalid body: ${formatIssues(parsed.error.issues).join('; ')}`)
    const plan = await rerunEvent(
      { store: deps.store, rules: deps.rules(), source: (name) => deps.sources.get(name) },
      request.params.id,
      { dryRun: parsed.data.dryRun, replan: parsed.data.replan, by: `admin API (${request.ip})` },
    )
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
