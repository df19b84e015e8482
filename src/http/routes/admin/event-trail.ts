import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { formatEvaluation } from '../../../rules/index.js'
import type { RouteDeps } from '../../deps.js'
import { EventNotFoundError } from './events.js'
import { canonical, knownNames, knownRules } from './names.js'
import { badRequest } from './schema-compilers.js'
import { getEventTrail } from './schemas/events.js'
import { eventIn, sourceLocation, viewOf } from './scope-guard.js'
import { iso } from './times.js'
import { whySentence } from './why.js'
import { whyTag } from './why-tag.js'

/**
 * GET /admin/events/:id, the trail of one event: what arrived (headers as stored, secrets
 * already removed), how it was verified, what the rules decided and why, the jobs, and
 * every HighLevel attempt with its status and response body. It answers "why is this tag
 * missing" in one read; with `?tag=` it answers about that tag first.
 */
export function eventTrailRoute(app: FastifyInstance, deps: RouteDeps): void {
  const options = { schema: getEventTrail, schemaErrorFormatter: badRequest('invalid query') }
  app.withTypeProvider<ZodTypeProvider>().get('/admin/events/:id', options, async (request) => {
    const { id } = request.params
    const view = viewOf(request, deps)
    const stored = await deps.store.trail.getEvent(id)
    // outside the scope: the very answer an unknown id gets (a refusal kept under the id too)
    if (!stored || !eventIn(view, deps, stored)) {
      const refused = await deps.store.refused.get(id).catch(() => undefined)
      throw new EventNotFoundError(id, refused && view.has(sourceLocation(deps, refused.source)) ? refused : undefined)
    }
    // a scoped caller reads the event's jobs at its own locations only
    const event = view.all ? stored : { ...stored, jobs: stored.jobs.filter((j) => view.has(j.location)) }
    const attempts = await deps.store.trail.listAttempts(id)
    const explain = await deps.ruleSets.explain(event)
    const intents = event.jobs.map((j) => ({
      location: j.location,
      contact: j.contact,
      add: j.add,
      remove: j.remove,
      rules: j.rules,
      ...(j.create ? { create: j.create } : {}),
    }))
    const reruns = (await deps.store.trail.listReruns(id)).map((r) => ({ ...r, at: iso(r.at) }))
    const verify = deps.config.sources[event.source]?.verify.type ?? null
    const refused = await deps.store.refused.get(id)
    const whyInput = {
      source: event.source,
      trace: explain.trace,
      unmatched: explain.unmatched,
      jobs: event.jobs.map((j) => ({
        ...j,
        doneAt: attempts.findLast((a) => a.jobId === j.id && a.outcome === 'done')?.finishedAt ?? null,
      })),
      heldBack: (name: string) => heldBack(deps, name),
      contactNotFoundRetryHours: deps.config.delivery.contactNotFoundRetryHours,
    }
    const why = whySentence(whyInput)
    const tag = request.query.tag?.trim()
    return {
      id: event.id,
      source: event.source,
      contact: event.contact ?? event.jobs[0]?.contact ?? {},
      location: event.jobs[0]?.location ?? sourceLocation(deps, event.source),
      ...(tag
        ? { whyTag: whyTag(canonical('tag', tag, knownNames(deps).tags, [], false), whyInput, knownRules(deps)) }
        : {}),
      receivedAt: iso(event.receivedAt),
      status: statusOf(event.jobs.map((j) => j.status)),
      why,
      request: { headers: event.headers, body: event.body },
      // only verified requests are events; one refused first and re-verified says so
      verification: {
        verified: true,
        method: verify,
        ...(refused?.status === 'accepted'
          ? { refusedFirst: { code: refused.code, reverifiedAt: iso(refused.reverifiedAt) } }
          : {}),
      },
      rules: {
        version: explain.rulesVersion,
        tags: event.tags,
        trace: explain.trace,
        traceFrom: explain.traceFrom,
        unmatched: explain.unmatched,
        explanation: formatEvaluation(
          { trace: explain.trace, unmatched: explain.unmatched, intents },
          {
            source: event.source,
            rulesVersion: explain.rulesVersion ?? '(unknown)',
            contactNotFoundRetryHours: deps.config.delivery.contactNotFoundRetryHours,
          },
        ),
      },
      intents,
      reruns,
      jobs: event.jobs.map((j) => ({
        id: j.id,
        location: j.location,
        contact: j.contact,
        contactId: j.contactId,
        add: j.add,
        remove: j.remove,
        status: j.status,
        attempts: j.attempts,
        lastError: j.lastError,
        nextAttemptAt: j.status === 'pending' ? iso(j.runAt) : null,
        trail: attempts
          .filter((a) => a.jobId === j.id)
          .map((a) => ({
            attempt: a.attempt,
            startedAt: iso(a.startedAt),
            finishedAt: iso(a.finishedAt),
            ms: a.finishedAt - a.startedAt,
            outcome: a.outcome,
            statusCode: a.statusCode ?? null,
            error: a.error ?? null,
            contactId: a.contactId ?? null,
            response: a.response ?? null,
            rateLimit: a.rateLimit ?? null,
          })),
      })),
    }
  })
}

function statusOf(statuses: string[]): 'none' | 'pending' | 'done' | 'dead' {
  if (statuses.length === 0) return 'none'
  if (statuses.includes('dead')) return 'dead'
  return statuses.includes('pending') ? 'pending' : 'done'
}

/** Why deliveries to a location (by its name in the config) are held back now, or null. */
function heldBack(deps: RouteDeps, name: string): string | null {
  if (!deps.config.delivery.enabled) return 'delivery.enabled is false in this process'
  const locationId = deps.config.highlevel.locations[name]?.locationId
  const engine = deps.delivery?.locations().find((l) => l.locationId === locationId)
  if (engine?.paused)
    return `${engine.reason ?? 'paused'}${engine.pausedUntil === null ? '' : ` until ${iso(engine.pausedUntil)}`}`
  const failing = deps.delivery?.auth?.().find((a) => a.locationId === locationId)
  return failing ? `credentials failing: ${failing.lastErrorMessage}` : null
}
