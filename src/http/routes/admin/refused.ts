import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { formatIssues } from '../../../config/index.js'
import { RefusedNotFoundError, refusedContacts, reverifyRefused } from '../../../refused/index.js'
import { looksCredential, looksSecretParam, redactHeaders, redactQuery } from '../../../sources/index.js'
import type { RefusedRequest, RefusedSummary } from '../../../store/index.js'
import type { RouteDeps } from '../../deps.js'
import { AdminBadRequestError } from './errors.js'
import { iso } from './times.js'

const listQuery = z.strictObject({
  source: z.string().min(1).optional(),
  code: z.string().min(1).optional(),
  status: z.enum(['refused', 'accepted']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(64).optional(),
})
const idParams = z.object({ id: z.string().min(1).max(64) })

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {})
  if (!parsed.success)
    throw new AdminBadRequestError(`invalid request: ${formatIssues(parsed.error.issues).join('; ')}`)
  return parsed.data
}

/** A row as listed: whom it was about guessed now, from the body's first bytes (contacts.ts). */
const summaryOut = ({ head, ...r }: RefusedSummary): Record<string, unknown> => ({
  ...r,
  contacts: refusedContacts(head),
  receivedAt: iso(r.receivedAt),
  reverifiedAt: iso(r.reverifiedAt),
})

const DIGEST = /^sha256:[0-9a-f]{64}$/

/**
 * A kept URL as a viewer may see it: its query read (URL-decoded, so `sha256%3A...` is
 * seen for what it is) and every credential digest, or value of a secret parameter,
 * replaced. Why decode first: a kept URL is re-encoded, and a pattern over the raw text
 * missed the encoded form of the hash of a real token.
 */
function redactKeptUrl(url: string, secretQuery: string[]): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const shown = [...new URLSearchParams(url.slice(q + 1))].map(([k, v]) => {
    const hide = secretQuery.includes(k) || looksSecretParam(k) || DIGEST.test(v) || looksCredential(v)
    return `${encodeURIComponent(k)}=${hide ? '[redacted]' : encodeURIComponent(v)}`
  })
  return `${url.slice(0, q)}?${shown.join('&')}`
}

/** Any value kept as a digest (a credential by its name or shape when kept) shown as redacted. */
const hideDigests = <T>(values: Record<string, T>): Record<string, T | string> => {
  const digest = (v: unknown): boolean => typeof v === 'string' && DIGEST.test(v)
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, digest(v) || (Array.isArray(v) && v.some(digest)) ? '[redacted]' : v]),
  )
}

/** The kept request with credential headers and query values redacted; the body as text when it is UTF-8. */
function detailOut(r: RefusedRequest, secretHeaders: string[], secretQuery: string[]): Record<string, unknown> {
  const { body, headers, query, ...rest } = r
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body)
  const utf8 = Buffer.from(text, 'utf8').equals(body)
  return {
    ...summaryOut(rest as RefusedSummary),
    method: r.method,
    url: redactKeptUrl(r.url, secretQuery),
    headers: hideDigests(redactHeaders(headers, secretHeaders)),
    query: hideDigests(redactQuery(query, secretQuery)),
    body: utf8 ? text : body.toString('base64'),
    bodyEncoding: utf8 ? 'utf-8' : 'base64',
  }
}

/**
 * /admin/refused: requests refused for a signature or token, kept for a second look.
 * A kept request has the id its 401 was logged with; a re-verify that succeeds makes it
 * the event of that same id (GET /admin/events/{id}).
 */
export function refusedRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/admin/refused', async (request) => {
    const q = parse(listQuery, request.query)
    const rows = await deps.store.refused.list({
      limit: q.limit,
      ...(q.source ? { source: q.source } : {}),
      ...(q.code ? { code: q.code } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.cursor ? { before: q.cursor } : {}),
    })
    return { items: rows.map(summaryOut), nextCursor: rows.length === q.limit ? (rows.at(-1)?.id ?? null) : null }
  })

  app.get('/admin/refused/:id', async (request) => {
    const { id } = parse(idParams, request.params)
    const kept = await deps.store.refused.get(id)
    if (!kept) throw new RefusedNotFoundError(id)
    const source = deps.sources.names().includes(kept.source) ? deps.sources.get(kept.source) : undefined
    return detailOut(kept, source?.secretHeaders ?? [], source?.secretQuery ?? [])
  })

  app.post('/admin/refused/:id/reverify', async (request) => {
    const { id } = parse(idParams, request.params)
    const source = (await deps.store.refused.get(id))?.source ?? '(unknown)'
    try {
      const result = await reverifyRefused({ ...deps, refused: deps.store.refused }, id)
      deps.metrics.ops.refusedReverified.inc({ source, outcome: 'accepted' })
      if (!result.duplicate) deps.onAccepted?.()
      const answer = result.duplicate
        ? { tags: result.tags, rules: result.rules }
        : { tags: result.judgement.tags, rules: result.judgement.matched }
      request.log.info({ source, refusedId: id, eventId: result.id }, 'refused request re-verified and accepted')
      return { id, verified: true, eventId: result.id, duplicate: result.duplicate, ...answer }
    } catch (err) {
      if ((err as { code?: string }).code === 'TAGRELAY_STILL_REFUSED')
        deps.metrics.ops.refusedReverified.inc({ source, outcome: 'refused' })
      throw err
    }
  })
}
