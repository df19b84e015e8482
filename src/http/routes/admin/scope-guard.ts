import type { FastifyRequest } from 'fastify'
import type { RouteDeps } from '../../deps.js'
import { callerOf } from './caller.js'
import { AdminScopeError } from './errors.js'
import { scopeView, type ScopeView } from './scope-view.js'

const views = new WeakMap<FastifyRequest, ScopeView>()

/** The caller's scope resolved against the locations known now, once per request. */
export function viewOf(request: FastifyRequest, deps: Pick<RouteDeps, 'locations' | 'config'>): ScopeView {
  let view = views.get(request)
  if (!view) views.set(request, (view = scopeView(deps, callerOf(request).scope)))
  return view
}

/** Refuses a caller whose scope is not `all` (global routes: rules, alerts, portal links). */
export function requireScopeAll(request: FastifyRequest, what: string): void {
  if (callerOf(request).scope.kind !== 'all') throw new AdminScopeError(what)
}

/** `requireScopeAll` as a route's preValidation hook: refused before the request is validated. */
export const scopeAll =
  (what: string) =>
  async (request: FastifyRequest): Promise<void> =>
    requireScopeAll(request, what)

/** The default location a source names in the config (a string), or null when the payload decides. */
export function sourceLocation(deps: Pick<RouteDeps, 'config'>, source: string): string | null {
  const at = deps.config.sources[source]?.location
  return typeof at === 'string' ? at : null
}

/** The sources whose default location is in scope: their events without jobs, their refused requests. */
export function sourcesIn(view: ScopeView, deps: Pick<RouteDeps, 'config'>): string[] {
  return Object.keys(deps.config.sources).filter((s) => view.all || view.has(sourceLocation(deps, s)))
}

/**
 * Whether an event is in scope: one of its jobs delivers to a location in scope, or it has
 * no job and its source's default location is in scope. An event of several locations is
 * seen by each of them (its jobs elsewhere are left out of what a scoped caller reads).
 */
export function eventIn(
  view: ScopeView,
  deps: Pick<RouteDeps, 'config'>,
  event: { source: string; jobs: ReadonlyArray<{ location: string }> },
): boolean {
  if (view.all) return true
  if (event.jobs.length === 0) return view.has(sourceLocation(deps, event.source))
  return event.jobs.some((j) => view.has(j.location))
}

/** The store filter of a scope: undefined for `all` (no filter at all). */
export function eventsWithin(view: ScopeView, deps: Pick<RouteDeps, 'config'>) {
  return view.all ? undefined : { locations: view.keys, sources: sourcesIn(view, deps) }
}
