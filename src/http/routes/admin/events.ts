import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { TagrelayError } from '../../../errors.js'
import { formatEvaluation } from '../../../rules/index.js'
import type { EventFilter } from '../../../store/index.js'
import type { RouteDeps } from '../../deps.js'
import { AdminBadRequestError } from './errors.js'
import { iso } from './times.js'
import { whySentence } from './why.js'
import { whyTag } from './why-tag.js'
import { canonical, knownNames, knownRules } from './names.js'
import { eventIn, eventsWithin, viewOf } from './scope-guard.js'
import { badRequest } from './schema-compilers.js'
import { getEventTrail, listEvents } from './schemas/events.js'

/** The 404 names a refusal kept under the same id: the log line's event id then leads somewhere. */
export class EventNotFoundError extends TagrelayError {
  constructor(id: string, refused?: { code: string }) {
    const hint = refused ? `; it was refused (${refused.code}): see /admin/refused/${id}` : ''
    super('TAGRELAY_EVENT_NOT_FOUND', `no event ${id} (never received, or pruned)${hint}`, 404)
  }
}

/** The cursor is opaque to clients: base64url of [receivedAt, id] of the page's last event. */
const encodeCursor = (receivedAt: number, id: string): string =>
  Buffer.from(JSON.stringify([receivedAt, id])).toString('base64url')

function decodeCursor(cursor: string): EventFilter['after'] {
  try {
    const [receivedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
    if (typeof receivedAt === 'number' && typeof id === 'string') return { receivedAt, id }
  } catch {
    // answered below
  }
  throw new AdminBadRequestError('invalid cursor: pass nextCursor from the previous page as it was')
}

/**
 * GET /admin/events (newest first, keyset-paginated) and GET /admin/events/:id, the
 * trail of one event: what arrived (headers as stored, secrets already removed), how it
 * was verified, what the rules decided and why, the jobs, and every HighLevel attempt
 * with its status and response body. It answers "why is this tag missing" in one read.
 */
export function eventRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const schemaErrorFormatter = badRequest('invalid query')
  api.get('/admin/events', { schema: listEvents, schemaErrorFormatter }, async (request) => {
    const { cursor, limit, ruleOutcome, ...typed } = request.query
    const view = viewOf(request, deps)
    const { filter, warnings } = canonicalFilter(deps, typed, ruleOutcome, view.all ? undefined : view)
    const within = eventsWithin(view, deps)
    // a location outside the scope finds nothing, not the shared events that also go there
    if (within && filter.location !== undefined && !view.has(filter.location))
      return { events: [], nextCursor: null, warnings }
    const rows = await deps.store.listEvents({
      ...filter,
      ...(within ? { within } : {}),
      limit: limit + 1,
      ...(cursor ? { after: decodeCursor(cursor) } : {}),
    })
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return {
      events: page.map((e) => ({
        ...e,
        receivedAt: iso(e.receivedAt),
        // an event of several locations names one in scope (or none) to a scoped caller
        location: view.has(e.location ?? sourceLocation(e.source)) ? (e.location ?? sourceLocation(e.source)) : null,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.receivedAt, last.id) : null,
      warnings,
    }
  })

  const sourceLocation = (source: string): string | null => {
    const at = deps.config.sources[source]?.location
    return typeof at === 'string' ? at : null
  }

  api.get('/admin/events/:id', { schema: getEventTrail, schemaErrorFormatter }, async (request) => {
    const { id } = request.params
    const view = viewOf(request, deps)
    const stored = await deps.store.getEvent(id)
    // outside the scope: the very answer an unknown id gets (a refusal kept under the id too)
    if (!stored || !eventIn(view, deps, stored)) {
      const refused = await deps.store.refused.get(id).catch(() => undefined)
      throw new EventNotFoundError(id, refused && view.has(sourceLocation(refused.source)) ? refused : undefined)
    }
    // a scoped caller reads the event's jobs at its own locations only
    const event = view.all ? stored : { ...stored, jobs: stored.jobs.filter((j) => view.has(j.location)) }
    const attempts = await deps.store.listAttempts(id)
    const explain = await deps.ruleSets.explain(event)
    const intents = event.jobs.map((j) => ({
      location: j.location,
      contact: j.contact,
      add: j.add,
      remove: j.remove,
      rules: j.rules,
      ...(j.create ? { create: j.create } : {}),
    }))
    const reruns = (await deps.store.listReruns(id)).map((r) => ({ ...r, at: iso(r.at) }))
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
      notFoundHours: deps.config.delivery.contactNotFoundRetryHours,
    }
    const why = whySentence(whyInput)
    const tag = request.query.tag?.trim()
    return {
      id: event.id,
      source: event.source,
      contact: event.contact ?? event.jobs[0]?.contact ?? {},
      location: event.jobs[0]?.location ?? sourceLocation(event.source),
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
          { source: event.source, rulesVersion: explain.rulesVersion ?? '(unknown)' },
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

/**
 * The typed names of a list query against the known ones (any case), with a warning for
 * a name that exists nowhere; `missed` asks for the events of the rule's source it did not match.
 */
function canonicalFilter(
  deps: RouteDeps,
  typed: Omit<EventFilter, 'limit' | 'after'>,
  ruleOutcome: 'matched' | 'missed' | undefined,
  scoped?: { entries: readonly { name: string }[] },
): { filter: Omit<EventFilter, 'limit' | 'after'>; warnings: string[] } {
  const warnings: string[] = []
  const names = knownNames(deps)
  // a warning names the nearest known locations: a scoped caller's own only
  const known = scoped ? { ...names, allLocations: scoped.entries.map((e) => e.name) } : names
  const filter = { ...typed }
  if (filter.source) filter.source = canonical('source', filter.source, known.sources, warnings)
  if (filter.location) filter.location = canonical('location', filter.location, known.allLocations, warnings)
  if (filter.tag) filter.tag = canonical('tag', filter.tag, known.tags, warnings, false)
  if (filter.rule) {
    const name = canonical(
      'rule',
      filter.rule,
      known.rules.map((r) => r.name),
      warnings,
    )
    if (ruleOutcome === 'missed') {
      delete filter.rule
      filter.ruleMissed = name
      const of = known.rules.find((r) => r.name === name)?.source
      if (of && filter.source === undefined) filter.source = of
    } else filter.rule = name
  }
  return { filter, warnings }
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
