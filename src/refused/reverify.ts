import { ingest, type IngestDeps, type IngestResult } from '../ingest/index.js'
import { EventLocations, type LocationLookupFn } from '../locations/index.js'
import type { CompiledRules } from '../rules/index.js'
import { headersFromRaw, type SourceRegistry } from '../sources/index.js'
import { TagrelayError } from '../errors.js'
import type { RefusedRequestStore } from '../store/index.js'
import { RefusedAlreadyAcceptedError, RefusedNotFoundError, StillRefusedError } from './errors.js'

export interface ReverifyDeps extends IngestDeps {
  refused: RefusedRequestStore
  sources: SourceRegistry
  rules: () => CompiledRules
  /** installed and YAML locations, for sources that take the location from the URL or body */
  locations?: LocationLookupFn
  now?: () => number
}

export type ReverifyResult = IngestResult & { source: string }

/**
 * Checks a kept refused request again with the secrets configured now, judging its
 * timestamps at the original receipt time, and accepts it as a normal event (same id,
 * same receipt time, same rules path and dedupe) only if it now verifies. A request that
 * still fails is recorded as tried and answered with StillRefusedError: nothing is stored.
 */
export async function reverifyRefused(deps: ReverifyDeps, id: string): Promise<ReverifyResult> {
  const kept = await deps.refused.get(id)
  if (!kept) throw new RefusedNotFoundError(id)
  if (kept.status === 'accepted') throw new RefusedAlreadyAcceptedError(id)
  const now = (deps.now ?? Date.now)()
  const source = deps.sources.get(kept.source)
  const headers = headersFromRawPairs(kept.headers)
  // per-location credentials verify against the location the URL named, as on receipt
  const segment = EventLocations.segmentOf(kept.url)
  const named = segment === undefined ? undefined : await deps.locations?.lookup(segment)
  const req = {
    source: source.name,
    ...(named ? { locationId: named.locationId } : {}),
    method: kept.method,
    url: kept.url,
    headers,
    query: kept.query,
    rawBody: kept.body,
  }
  let received
  try {
    received = source.receiveAgain(req, kept.receivedAt)
  } catch (err) {
    if (!(err instanceof TagrelayError) || err.statusCode >= 500) throw err
    await deps.refused.markReverified(id, now, { code: err.code })
    throw new StillRefusedError(id, err.code, err.message)
  }
  // routed as the webhook route would have (a location removed since is refused the same way)
  const location = await new EventLocations(deps.locations).of(
    source,
    EventLocations.segmentOf(kept.url),
    received.body,
  )
  const judged = { name: source.name, location, secretHeaders: source.secretHeaders, secretQuery: source.secretQuery }
  const result = await ingest(deps, deps.rules(), judged, {
    id,
    body: received.body,
    headers,
    query: kept.query,
    receivedAt: kept.receivedAt,
    ...(received.dedupe ? { dedupe: received.dedupe } : {}),
  })
  await deps.refused.markReverified(id, now, { accepted: true })
  return { ...result, source: source.name }
}

/** Stored headers back into the shape sources read (a repeated header stays a list). */
function headersFromRawPairs(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const raw: string[] = []
  for (const [name, value] of Object.entries(headers))
    for (const v of Array.isArray(value) ? value : [value]) raw.push(name, v)
  return headersFromRaw(raw)
}
