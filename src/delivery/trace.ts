import type { Job } from '../store/index.js'
import { tracingEnabled, withSpan, type SpanOrigin } from '../telemetry/index.js'

/** What a HighLevel call is for: its name and the jobs it serves (their webhooks' traces), read only when tracing is on. */
export interface CallTrace {
  name: string
  jobs: () => readonly Job[]
}

const MAX_IDS = 20

/**
 * A span for one HighLevel call, in the trace of the webhook that caused it: when every
 * job it serves came from one webhook, that webhook's stored context is its parent; a
 * bulk call over several webhooks stays in the round's trace and links to each of them.
 */
export function highLevelCallSpan<T>(
  locationId: string,
  trace: CallTrace | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return fn()
  if (!trace) return withSpan('highlevel.call', { 'highlevel.location_id': locationId }, fn, { kind: 'client' })
  const jobs = trace.jobs()
  const parents = [...new Set(jobs.map((j) => j.traceParent ?? null))]
  const origin: SpanOrigin = { kind: 'client', links: parents }
  if (parents.length === 1 && parents[0]) origin.parent = parents[0]
  return withSpan(`highlevel.${trace.name}`, jobAttributes(locationId, jobs), fn, origin)
}

/** The round's span: one per claimed batch of a location, linked to the webhooks of its jobs. */
export function roundSpan<T>(location: string, jobs: readonly Job[], fn: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return fn()
  return withSpan('tagrelay.delivery_round', { ...jobAttributes(undefined, jobs), 'tagrelay.location': location }, fn, {
    links: jobs.map((j) => j.traceParent),
  })
}

export function resolveSpan<T>(location: string, persons: number, fn: () => Promise<T>): Promise<T> {
  return withSpan('tagrelay.resolve_contacts', { 'tagrelay.location': location, 'tagrelay.persons': persons }, fn)
}

function jobAttributes(
  locationId: string | undefined,
  jobs: readonly Job[],
): Record<string, string | number | string[]> {
  return {
    ...(locationId ? { 'highlevel.location_id': locationId } : {}),
    'tagrelay.jobs': jobs.length,
    'tagrelay.event_ids': [...new Set(jobs.map((j) => j.eventId))].slice(0, MAX_IDS),
    'tagrelay.rules': [...new Set(jobs.flatMap((j) => j.rules))].slice(0, MAX_IDS),
  }
}
