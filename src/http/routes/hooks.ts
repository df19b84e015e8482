import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { parseBody, redactHeaders, redactQuery } from '../../sources/index.js'
import type { NewJob } from '../../store/index.js'
import type { AppDeps } from '../app.js'

declare module 'fastify' {
  interface FastifyRequest {
    eventId?: string
  }
}

/**
 * POST /hooks/:source. The order is the security boundary: the raw bytes are verified
 * before anything parses them, and 202 is sent only after the store has committed.
 */
export function hookRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Raw bytes for every content type: verifiers need the body exactly as it was signed.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  app.addHook('onRequest', async (request) => {
    request.eventId = randomUUID()
    request.log = request.log.child({ eventId: request.eventId })
  })

  app.post<{ Params: { source: string } }>('/hooks/:source', { bodyLimit: deps.config.server.bodyLimit }, async (request, reply) => {
    const receivedAt = Date.now()
    const id = request.eventId as string
    const source = deps.sources.get(request.params.source)
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
    const inbound = { source: source.name, headers: request.headers, query: request.query as Record<string, unknown>, rawBody }
    source.verify(inbound)
    const body = parseBody(rawBody, request.headers['content-type'])

    const rules = deps.rules()
    const headers = redactHeaders(request.headers, source.secretHeaders)
    const { intents, trace, unmatched } = rules.evaluate({ source: source.name, body, headers, query: redactQuery(inbound.query, source.secretQuery), receivedAt })
    const jobs: NewJob[] = intents.map((i) => ({ location: i.location ?? source.location, contact: i.contact, add: i.add, remove: i.remove, rules: i.rules, ...(i.create ? { create: i.create } : {}) }))
    const tags = [...new Set(intents.flatMap((i) => i.add))]
    const matched = trace.filter((t) => t.matched).map((t) => t.rule)
    const unresolved = trace.filter((t) => t.unresolved).map((t) => ({ rule: t.rule, reason: t.unresolved as string }))

    await deps.store.accept(
      { id, source: source.name, receivedAt, headers, body, tags, explain: { rulesVersion: rules.version, trace, unmatched } },
      jobs,
    )
    deps.onAccepted?.()
    request.log.info({ source: source.name, tags, rules: matched, jobs: jobs.length, unresolved: unresolved.length > 0 ? unresolved : undefined }, 'event accepted')
    return reply.code(202).send({ id, tags, rules: matched, ...(unresolved.length > 0 ? { unresolved } : {}) })
  })
}
