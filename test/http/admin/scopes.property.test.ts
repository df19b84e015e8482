import fc from 'fast-check'
import t from 'tap'
import type { Scope } from '../../../src/common/scope.js'
import { sessionKeeper } from '../../../src/http/routes/admin/caller.js'
import { routeTable } from '../../helpers/routes.js'
import { eventOutside, forbidden, inScope, LOCS, outsideSnapshot, scopeArb, scopedFixture } from './scopes-fixture.js'

/**
 * Invariant 12 over every admin route, read from Fastify's route table: for random scopes
 * and roles, a scoped session reads nothing outside its scope (no outside location or
 * event or refused id in any answer), changes nothing outside it (the outside rows read
 * back the same), and gets the unknown id's 404 for an outside id. A route this table does
 * not classify fails the test: a new route must say how it stands to scopes.
 */
type Kind =
  | { kind: 'public' } // before any credential: sign-in, the portal-link exchange
  | { kind: 'own' } // the caller's own session, the static OpenAPI document
  | { kind: 'all-only' } // global: 403 TAGRELAY_ADMIN_SCOPE for a scoped caller
  | { kind: 'read'; byLocation?: boolean } // a list or a count: only what is inside, also when asked for an outside location
  | { kind: 'item'; of: 'event' | 'dead' | 'refused' | 'location'; body?: unknown } // an id: 404 outside
  | { kind: 'bulk'; of: 'dead' | 'refused'; body: (ids: Array<string | number>) => unknown }

const ROUTES: Record<string, Kind> = {
  'POST /admin/session': { kind: 'public' },
  'GET /admin/session': { kind: 'own' },
  'DELETE /admin/session': { kind: 'own' },
  'GET /admin/openapi.json': { kind: 'own' },
  'POST /admin/portal-links/exchange': { kind: 'public' },
  'POST /admin/sso/highlevel': { kind: 'public' },
  'POST /admin/portal-links': { kind: 'all-only' },
  'GET /admin/portal-links': { kind: 'all-only' },
  'DELETE /admin/portal-links/:id': { kind: 'all-only' },
  'POST /admin/rules/test': { kind: 'all-only' },
  'GET /admin/alerts': { kind: 'all-only' },
  'POST /admin/locations': { kind: 'all-only' },
  'GET /admin/suggestions': { kind: 'read' },
  'GET /admin/rules': { kind: 'read' },
  'GET /admin/refused': { kind: 'read' },
  'GET /admin/refused/recent': { kind: 'read' },
  'GET /admin/events': { kind: 'read', byLocation: true },
  'GET /admin/locations': { kind: 'read' },
  'GET /admin/dead-letters': { kind: 'read', byLocation: true },
  'GET /admin/dead-letters/count': { kind: 'read', byLocation: true },
  'GET /admin/dead-letters/groups': { kind: 'read', byLocation: true },
  'GET /admin/refused/:id': { kind: 'item', of: 'refused' },
  'POST /admin/refused/:id/reverify': { kind: 'item', of: 'refused' },
  'GET /admin/events/:id': { kind: 'item', of: 'event' },
  'POST /admin/events/:id/rerun': { kind: 'item', of: 'event', body: { dryRun: false, replan: true } },
  'PATCH /admin/locations/:name': { kind: 'item', of: 'location', body: { disabled: true } },
  'DELETE /admin/locations/:name': { kind: 'item', of: 'location' },
  'GET /admin/dead-letters/:id': { kind: 'item', of: 'dead' },
  'DELETE /admin/dead-letters/:id': { kind: 'item', of: 'dead' },
  'POST /admin/dead-letters/:id/replay': { kind: 'item', of: 'dead' },
  'POST /admin/refused/reverify': { kind: 'bulk', of: 'refused', body: (ids) => ({ ids }) },
  'POST /admin/dead-letters/discard': { kind: 'bulk', of: 'dead', body: (ids) => ({ ids }) },
  'POST /admin/dead-letters/replay': {
    kind: 'bulk',
    of: 'dead',
    body: (ids) => (ids.length ? { ids } : { all: true }),
  },
}

t.test('every admin route answers only within the caller scope', async (t) => {
  const { app, store, made, config, clock } = await scopedFixture(t)
  const routes = routeTable(app).filter((r) => r.url.startsWith('/admin'))
  const unclassified = routes.map((r) => `${r.method} ${r.url}`).filter((r) => !(r in ROUTES))
  t.same(unclassified, [], 'every admin route is classified (a new route must decide how it stands to scopes)')
  const stale = Object.keys(ROUTES).filter((k) => !routes.some((r) => `${r.method} ${r.url}` === k))
  t.same(stale, [], 'every classified route exists')
  const keeper = sessionKeeper({ config, store, clock })
  const counts = { requests: 0, notFound: 0, insideReads: 0 }

  await fc.assert(
    fc.asyncProperty(
      scopeArb,
      fc.constantFrom('admin' as const, 'viewer' as const),
      fc.nat(),
      async (scope, role, pick) => {
        const { cookieValue } = await keeper.open(role, scope, { via: 'sso' })
        const headers = { authorization: `Session ${cookieValue}` }
        const isOut = (key: string) =>
          !inScope(
            scope,
            LOCS.find((l) => l.key === key)!,
          )
        const words = forbidden(scope, made)
        const ids = {
          event: made.events.filter((e) => eventOutside(e, isOut)).map((e) => e.id),
          dead: made.dead.filter((d) => isOut(d.location)).map((d) => d.id),
          refused: made.refused.filter((r) => isOut(r.location)).map((r) => r.id),
          location: LOCS.filter((l) => isOut(l.key)).map((l) => (pick % 2 ? l.name : l.locationId)),
        }
        const before = await outsideSnapshot(store, made, isOut)
        // the session's own sign-out goes last, so every other route sees a live session
        const order = [...routes].sort(
          (a, b) => Number(a.url === '/admin/session') - Number(b.url === '/admin/session'),
        )
        for (const { method, url } of order) {
          const kind = ROUTES[`${method} ${url}`]!
          const call = async (path: string, payload?: unknown) => {
            counts.requests++
            const res = await app.inject({
              method: method as 'GET',
              url: path,
              headers,
              ...(payload === undefined ? {} : { payload: payload as object }),
            })
            let text = res.body
            // what the caller sent itself (an id in the path or body, echoed in a 404) is no leak
            const sent = `${decodeURIComponent(path)} ${payload === undefined ? '' : JSON.stringify(payload)}`
            for (const id of sent.match(/[\w-]{6,}/g) ?? []) text = text.split(id).join('')
            for (const w of words)
              if (text.includes(w)) t.fail(`${method} ${url} (${JSON.stringify(scope)}, ${role}) answered ${w}`)
            return res
          }
          if (kind.kind === 'public' || kind.kind === 'own') {
            if (kind.kind === 'own') await call(url)
          } else if (kind.kind === 'all-only') {
            const res = await call(url.replace(':id', 'x'), method === 'GET' || method === 'DELETE' ? undefined : {})
            if (scope.kind !== 'all' && res.statusCode !== 403)
              t.fail(`${method} ${url}: ${res.statusCode} for a scoped caller`)
          } else if (kind.kind === 'read') {
            const res = await call(url)
            if (res.statusCode !== 200) t.fail(`${method} ${url}: ${res.statusCode}`)
            const away = LOCS.filter((l) => isOut(l.key))[pick % 6]
            if (kind.byLocation && away) {
              const filtered = await call(`${url}?location=${encodeURIComponent(away.key)}`)
              const body = filtered.json<{
                count?: number
                events?: unknown[]
                items?: unknown[]
                groups?: unknown[]
              }>()
              const n = body.count ?? (body.events ?? body.items ?? body.groups ?? []).length
              if (n !== 0)
                t.fail(`${method} ${url}?location=${away.key} answered ${n} rows outside ${JSON.stringify(scope)}`)
            }
            if (url === '/admin/dead-letters/count') {
              const live = made.dead.filter((d) => !isOut(d.location))
              let n = 0
              for (const d of live) if (await store.deadLetters.get(d.id)) n++
              if (res.json<{ count: number }>().count !== n)
                t.fail(`the dead-letter count reaches outside ${JSON.stringify(scope)}`)
            }
          } else if (kind.kind === 'item') {
            const list = ids[kind.of] as Array<string | number>
            const id = list.length > 0 ? list[pick % list.length]! : undefined
            if (id === undefined) continue
            const res = await call(url.replace(/:(id|name)/, encodeURIComponent(String(id))), kind.body)
            const unknown = await call(
              url.replace(/:(id|name)/, kind.of === 'dead' ? '987654' : 'no-such-id-here'),
              kind.body,
            )
            const readOnly = role === 'viewer' && method !== 'GET' && res.statusCode === 403
            if (
              !readOnly &&
              (res.statusCode !== 404 || res.json<{ code: string }>().code !== unknown.json<{ code: string }>().code)
            )
              t.fail(
                `${method} ${url} ${id}: ${res.statusCode} ${res.body.slice(0, 120)} (unknown: ${unknown.statusCode})`,
              )
            else counts.notFound++
          } else {
            await call(url, kind.body(ids[kind.of]))
            if (url === '/admin/dead-letters/replay') await call(url, kind.body([]))
          }
        }
        // one read inside the scope, so a scope that hid everything would not pass
        const inside = made.events.find((e) => !eventOutside(e, isOut))
        if (inside) {
          const res = await app.inject({
            url: `/admin/events/${inside.id}`,
            headers: { authorization: `Bearer ${config.admin.token}` },
          })
          if (res.statusCode === 200) counts.insideReads++
        }
        t.same(
          await outsideSnapshot(store, made, isOut),
          before,
          `nothing outside ${JSON.stringify(scope)} changed (${role})`,
        )
      },
    ),
    { numRuns: 25, seed: Number(process.env.SCOPES_SEED ?? 2812) },
  )
  t.ok(counts.notFound > 50, `outside ids answered 404 (${counts.notFound} of ${counts.requests} requests)`)
})

t.test('a scoped caller reads what is inside: events, dead letters, locations, counts', async (t) => {
  const { app, store, made, config, clock } = await scopedFixture(t)
  const keeper = sessionKeeper({ config, store, clock })
  const scope: Scope = { kind: 'company', companyId: 'co-A' }
  const { cookieValue } = await keeper.open('viewer', scope)
  const headers = { authorization: `Session ${cookieValue}` }
  const mine = LOCS.filter((l) => inScope(scope, l)).map((l) => l.key)
  const events = (await app.inject({ url: '/admin/events?limit=200', headers })).json<{
    events: Array<{ id: string }>
  }>()
  const expected = made.events.filter((e) => e.locations.some((l) => mine.includes(l))).map((e) => e.id)
  t.same(events.events.map((e) => e.id).sort(), expected.sort(), 'the events of its locations, the shared one too')
  const dead = (await app.inject({ url: '/admin/dead-letters', headers })).json<{
    items: Array<{ location: string }>
  }>()
  t.equal(dead.items.length, made.dead.filter((d) => mine.includes(d.location)).length)
  t.equal(
    (await app.inject({ url: '/admin/dead-letters/count', headers })).json<{ count: number }>().count,
    dead.items.length,
  )
  const locations = (await app.inject({ url: '/admin/locations', headers })).json<{
    locations: Array<{ name: string }>
    total: number
  }>()
  t.same(locations.locations.map((l) => l.name).sort(), ['Acme-Dental-One', 'Acme-Dental-Two'])
  t.equal(locations.total, 2)
  const who = (await app.inject({ url: '/admin/session', headers })).json<{ scopeName: string }>()
  t.equal(who.scopeName, 'Company co-A (2 locations)')
  const shared = made.events.find((e) => e.locations.length === 2)!
  const trail = (await app.inject({ url: `/admin/events/${shared.id}`, headers })).json<{
    jobs: Array<{ location: string }>
  }>()
  t.same(
    trail.jobs.map((j) => j.location),
    [LOCS[2]!.key],
    "an event of two companies shows this company's job only",
  )
})
