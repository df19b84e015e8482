import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ingest, summariseJobs } from '../../ingest/index.js'
import { EventLocations, LocationNotInUrlError, admitLocation } from '../../locations/index.js'
import { headersFromRaw, type InboundRequest, type Source } from '../../sources/index.js'
import { withSpan } from '../../telemetry/index.js'
import { BodyGate } from '../body-gate.js'
import type { RouteDeps } from '../deps.js'

declare module 'fastify' {
  interface FastifyRequest {
    eventId?: string
    /** the HighLevel locationId the URL named, once admitted (per-location credentials verify against it) */
    hookLocationId?: string
  }
}

type HookRequest = FastifyRequest<{ Params: { source: string; location?: string } }>

function inbound(request: HookRequest, source: string, rawBody: Buffer): InboundRequest {
  return {
    source,
    ...(request.hookLocationId !== undefined ? { locationId: request.hookLocationId } : {}),
    method: request.method,
    url: request.url,
    headers: headersFromRaw(request.raw.rawHeaders),
    query: request.query as Record<string, unknown>,
    rawBody,
  }
}

/**
 * /hooks/:source. The order is the security boundary: the rate check runs before the
 * body is read, the raw bytes are verified before anything parses them (all in
 * `source.receive`), and 202 is sent only after the store has committed.
 */
export function hookRoutes(app: FastifyInstance, deps: RouteDeps): void {
  // Raw bytes for every content type: verifiers need the body exactly as it was signed.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  // the request id is the event id (app.ts genReqId), already on every log line
  app.addHook('onRequest', async (request) => {
    request.eventId = request.id
  })

  // Meta's subscription handshake: echo hub.challenge when hub.verify_token matches.
  app.get<{ Params: { source: string } }>('/hooks/:source', async (request, reply) => {
    const source = deps.sources.get(request.params.source)
    const challenge = source.handshake(inbound(request, source.name, Buffer.alloc(0)))
    request.log.info({ source: source.name }, 'subscription handshake answered')
    return reply.type('text/plain; charset=utf-8').send(challenge)
  })

  const eventLocations = new EventLocations(deps.locations)

  const post = async (request: HookRequest, reply: FastifyReply) => {
    const id = request.eventId as string
    const source = deps.sources.get(request.params.source)
    const sent = request.headers.traceparent
    // a span per webhook; a sender's traceparent (if any) is its parent
    return withSpan(
      'tagrelay.webhook',
      {
        'tagrelay.source': source.name,
        'tagrelay.event_id': id,
        'tagrelay.location': request.params.location ?? source.location,
      },
      () => receive(request, reply, id, source),
      { kind: 'server', parent: typeof sent === 'string' ? sent : null },
    )
  }

  async function receive(request: HookRequest, reply: FastifyReply, id: string, source: Source) {
    const receivedAt = Date.now()
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
    const req = inbound(request, source.name, rawBody)
    let verified
    try {
      verified = source.receive(req)
    } catch (err) {
      // refused for its signature or token: kept for a second look (without waiting for it)
      const code = (err as { code?: unknown }).code
      if (typeof code === 'string') deps.refusedKeeper.keep(source, req, { id, code, receivedAt })
      throw err
    }
    const { body, dedupe } = verified
    if (verified.sharedCredential) {
      deps.metrics.ops.sharedCredentialAccepts.inc({ source: source.name })
      request.log.warn(
        { source: source.name },
        "verified with the source's shared secret: give this sender its location's own (tagrelay location-secrets)",
      )
    }
    const location = await eventLocations.of(source, request.params.location, body)
    const query = request.query as Record<string, unknown>
    const received = { id, body, headers: request.headers, query, receivedAt, ...(dedupe ? { dedupe } : {}) }
    const judged = { name: source.name, location, secretHeaders: source.secretHeaders, secretQuery: source.secretQuery }
    const result = await ingest(deps, deps.rules(), judged, received)
    if (result.duplicate) {
      request.log.info(
        { source: source.name, firstEventId: result.id },
        'duplicate delivery: answered with the first result, nothing stored',
      )
      return reply.code(200).send({ id: result.id, tags: result.tags, rules: result.rules, duplicate: true })
    }
    const { tags, removed, matched, unresolved, ignored, jobs } = result.judgement
    if (jobs.length > 0) deps.onAccepted?.(jobs.map((j) => j.location))
    for (const rule of matched) deps.metrics.ruleMatches.inc({ rule })
    request.log.info(
      {
        source: source.name,
        location,
        tags,
        rules: matched,
        jobs: jobs.length,
        unresolved: unresolved.length > 0 ? unresolved : undefined,
        ignored: ignored.length > 0 ? ignored : undefined,
      },
      'event accepted',
    )
    return reply.code(202).send({
      id,
      tags,
      ...(removed.length > 0 ? { removed } : {}),
      rules: matched,
      ...(unresolved.length > 0 ? { unresolved } : {}),
      ...(ignored.length > 0 ? { ignored } : {}),
      jobs: summariseJobs(result.judgement, deps.config.delivery.contactNotFoundRetryHours),
    })
  }

  const gate = new BodyGate(deps.config.server.largeBodies)
  const options = {
    bodyLimit: deps.sources.maxBodyLimit(),
    // after the checks below, before the body is read: large bodies wait their turn
    preParsing: async (request: HookRequest, reply: FastifyReply, payload: NodeJS.ReadableStream) => {
      await gate.admit(request, reply)
      return payload
    },
    // unknown source, rate limit and a URL that can never be accepted (a location where
    // the source takes none, none where it needs one, an unknown one) are refused before
    // the body is read: nothing of such a request is verified, parsed or kept
    onRequest: async (request: HookRequest) => {
      const source = deps.sources.get(request.params.source)
      source.admit()
      const segment = request.params.location
      const byUrl = typeof source.locationFrom !== 'string' && source.locationFrom.from === 'url'
      if (byUrl !== (segment !== undefined)) throw new LocationNotInUrlError(source.name, !byUrl)
      if (segment === undefined) return
      const entry = admitLocation(await deps.locations?.lookup(segment), segment, 'in the URL')
      // a location the source does not serve is as unknown to it as one that does not exist
      if (source.serves && ![entry.key, entry.name, entry.locationId].some((n) => source.serves!.includes(n)))
        admitLocation(undefined, segment, 'in the URL')
      request.hookLocationId = entry.locationId
    },
  }
  app.post<{ Params: { source: string; location?: string } }>('/hooks/:source', options, post)
  app.post<{ Params: { source: string; location?: string } }>('/hooks/:source/:location', options, post)
}
