import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { codes, TagrelayError } from '../../../errors.js'
import type { EventFilter } from '../../../store/index.js'
import type { RouteDeps } from '../../deps.js'
import { AdminBadRequestError } from './errors.js'
import { iso } from './times.js'
import { canonical, knownNames } from './names.js'
import { eventsWithin, sourceLocation, viewOf } from './scope-guard.js'
import { badRequest } from './schema-compilers.js'
import { listEvents } from './schemas/events.js'

/** The 404 names a refusal kept under the same id: the log line's event id then leads somewhere. */
export class EventNotFoundError extends TagrelayError {
  constructor(id: string, refused?: { code: string }) {
    const hint = refused ? `; it was refused (${refused.code}): see /admin/refused/${id}` : ''
    super(codes.TAGRELAY_EVENT_NOT_FOUND, `no event ${id} (never received, or pruned)${hint}`)
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
 * GET /admin/events: stored events, newest first, keyset-paginated, filtered by names
 * typed in any case (one that exists nowhere is warned about). The trail of one event is
 * `event-trail.ts`.
 */
export function eventRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const options = { schema: listEvents, schemaErrorFormatter: badRequest('invalid query') }
  app.withTypeProvider<ZodTypeProvider>().get('/admin/events', options, async (request) => {
    const { cursor, limit, ruleOutcome, ...typed } = request.query
    const view = viewOf(request, deps)
    const { filter, warnings } = canonicalFilter(deps, typed, ruleOutcome, view.all ? undefined : view)
    const within = eventsWithin(view, deps)
    // a location outside the scope finds nothing, not the shared events that also go there
    if (within && filter.location !== undefined && !view.has(filter.location))
      return { events: [], nextCursor: null, warnings }
    const rows = await deps.store.trail.listEvents({
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
        location: view.has(e.location ?? sourceLocation(deps, e.source))
          ? (e.location ?? sourceLocation(deps, e.source))
          : null,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.receivedAt, last.id) : null,
      warnings,
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
