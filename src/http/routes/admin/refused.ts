import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { codes } from '../../../errors.js'
import { RefusedNotFoundError, refusedContacts, reverifyRefused } from '../../../refused/index.js'
import { looksCredential, looksSecretParam, redactHeaders, redactQuery } from '../../../sources/index.js'
import type { RefusedRequest, RefusedSummary } from '../../../store/index.js'
import type { RouteDeps } from '../../deps.js'
import { AdminScopeError } from './errors.js'
import { iso } from './times.js'
import { sourceLocation, viewOf } from './scope-guard.js'
import * as schemas from './schemas/refused.js'

const KEPT_PER_SOURCE = 1000

/** A row as listed: whom it was about guessed now, from the body's first bytes (contacts.ts). */
const summaryOut = ({ head, urlLocation: _at, ...r }: RefusedSummary) => ({
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
function detailOut(r: RefusedRequest, secretHeaders: string[], secretQuery: string[]) {
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
    bodyEncoding: utf8 ? ('utf-8' as const) : ('base64' as const),
  }
}

/**
 * /admin/refused: requests refused for a signature or token, kept for a second look.
 * A kept request has the id its 401 was logged with; a re-verify that succeeds makes it
 * the event of that same id (GET /admin/events/{id}).
 */
export function refusedRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  /**
   * A refused request belongs to the location its URL named (`/hooks/:source/:location`),
   * else to its source's default location; one of a source whose location comes from the
   * payload (or an unknown source) is seen by scope `all` only.
   */
  const locationOf = (r: Pick<RefusedSummary, 'source' | 'urlLocation'>): string | null =>
    r.urlLocation ?? sourceLocation(deps, r.source)
  const refusedIn = (request: FastifyRequest, r: Pick<RefusedSummary, 'source' | 'urlLocation'>): boolean =>
    viewOf(request, deps).has(locationOf(r))
  /** A kept request in the caller's scope, or the 404 of an unknown id. */
  const keptInScope = async (request: FastifyRequest, id: string): Promise<RefusedRequest> => {
    const kept = await deps.store.refused.get(id)
    if (!kept || !refusedIn(request, kept)) throw new RefusedNotFoundError(id)
    return kept
  }
  /**
   * A scoped caller re-verifies only when no rule of the source sends elsewhere: a rule's
   * `location:` (fixed or from the payload) could put the new event's jobs outside its scope.
   */
  const reverifyInScope = async (request: FastifyRequest, id: string): Promise<void> => {
    const kept = await keptInScope(request, id)
    const view = viewOf(request, deps)
    if (view.all) return
    const [defs] = JSON.parse(deps.rules().definition) as [Array<{ source: string; location?: unknown }>, unknown]
    if (defs.some((r) => r.source === kept.source && r.location !== undefined && !view.has(String(r.location))))
      throw new AdminScopeError('re-verifying this request (a rule of its source may send it outside your scope)')
  }

  api.get('/admin/refused', { schema: schemas.listRefused }, async (request) => {
    const q = request.query
    const view = viewOf(request, deps)
    const filter = {
      limit: q.limit,
      ...(q.code ? { code: q.code } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.cursor ? { before: q.cursor } : {}),
    }
    // a scoped caller: every source's kept rows (the store keeps at most KEPT_PER_SOURCE of
    // each, so this is bounded), those of its locations merged newest first: a request may
    // name a location in its URL that its source's default is not
    const sources = view.all ? [q.source] : Object.keys(deps.config.sources).filter((s) => !q.source || s === q.source)
    const limit = view.all ? q.limit : KEPT_PER_SOURCE
    const pages = await Promise.all(
      sources.map((source) => deps.store.refused.list({ ...filter, limit, ...(source ? { source } : {}) })),
    )
    const rows = pages
      .flat()
      .filter((r) => view.all || refusedIn(request, r))
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, q.limit)
    return {
      items: rows.map((r) => ({
        ...summaryOut(r),
        location: locationOf(r),
        eventId: r.status === 'accepted' ? r.id : null,
      })),
      nextCursor: rows.length === q.limit ? (rows.at(-1)?.id ?? null) : null,
    }
  })

  api.get('/admin/refused/:id', { schema: schemas.getRefused }, async (request) => {
    const { id } = request.params
    const kept = await keptInScope(request, id)
    const source = deps.sources.names().includes(kept.source) ? deps.sources.get(kept.source) : undefined
    return detailOut(kept, source?.secretHeaders ?? [], source?.secretQuery ?? [])
  })

  // the banner on Events: per source, how many are still refused since when, and the usual code
  api.get('/admin/refused/recent', { schema: schemas.recentRefusals }, async (request) => {
    const { minutes } = request.query
    const since = Date.now() - minutes * 60_000
    const sources = []
    for (const { source, count } of await deps.store.refused.countSince(since)) {
      if (count === 0) continue
      const rows = (await deps.store.refused.list({ source, status: 'refused', limit: KEPT_PER_SOURCE })).filter(
        (r) => r.receivedAt >= since && refusedIn(request, r),
      )
      if (rows.length === 0) continue
      const codes = new Map<string, number>()
      for (const r of rows) codes.set(r.code, (codes.get(r.code) ?? 0) + 1)
      const code = [...codes].sort((a, b) => b[1] - a[1])[0]![0]
      sources.push({ source, count: rows.length, firstAt: iso(rows.at(-1)!.receivedAt), code })
    }
    return { since: iso(since), sources }
  })

  // re-verify several at once: each answered on its own, none stops the others
  api.post('/admin/refused/reverify', { schema: schemas.reverifyRefusedMany }, async (request) => {
    const { ids } = request.body
    const results = []
    for (const id of ids) {
      try {
        await reverifyInScope(request, id)
        results.push(await reverifyOne(id))
      } catch (err) {
        const e = err as { code?: string; message?: string }
        if (!e.code?.startsWith('TAGRELAY_')) throw err
        results.push({ id, verified: false, code: e.code, message: e.message ?? e.code })
      }
    }
    return { results }
  })

  api.post('/admin/refused/:id/reverify', { schema: schemas.reverifyRefused }, async (request) => {
    const { id } = request.params
    await reverifyInScope(request, id)
    return reverifyOne(id)
  })

  async function reverifyOne(id: string) {
    const source = (await deps.store.refused.get(id))?.source ?? '(unknown)'
    try {
      const result = await reverifyRefused({ ...deps, refused: deps.store.refused }, id)
      deps.metrics.ops.refusedReverified.inc({ source, outcome: 'accepted' })
      if (!result.duplicate) deps.onAccepted?.()
      const answer = result.duplicate
        ? { tags: result.tags, rules: result.rules }
        : { tags: result.judgement.tags, rules: result.judgement.matched }
      deps.logger.info({ source, refusedId: id, eventId: result.id }, 'refused request re-verified and accepted')
      return { id, verified: true as const, eventId: result.id, duplicate: result.duplicate, ...answer }
    } catch (err) {
      if ((err as { code?: string }).code === codes.TAGRELAY_STILL_REFUSED)
        deps.metrics.ops.refusedReverified.inc({ source, outcome: 'refused' })
      throw err
    }
  }
}
