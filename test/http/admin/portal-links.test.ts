import t from 'tap'
import { ADMIN_TOKEN, LOCATION_ID, build } from '../../helpers/build.js'
import { ManualClock } from '../../helpers/manual-clock.js'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` }
const cookieOf = (setCookie: unknown): string => String(setCookie).split(';')[0] as string
const one = { kind: 'locations', locationIds: [LOCATION_ID] }

async function setup(t: Tap) {
  const clock = new ManualClock()
  const built = await build(t, { clock, extra: { admin: { token: ADMIN_TOKEN } } })
  const { app } = built
  const make = async (body: Record<string, unknown>, headers: Record<string, string> = bearer) =>
    app.inject({ method: 'POST', url: '/admin/portal-links', headers, payload: body })
  const exchange = (secret: string) =>
    app.inject({ method: 'POST', url: '/admin/portal-links/exchange', payload: { secret } })
  const secretOf = (url: string): string => url.split('#')[1] as string
  return { ...built, clock, make, exchange, secretOf }
}

t.test('a link opens one scoped session, once; the secret never reaches a log', async (t) => {
  const { app, make, exchange, secretOf, logs, store } = await setup(t)
  const made = await make({ scope: one, role: 'viewer', ttlMinutes: 30 })
  t.equal(made.statusCode, 201)
  const link = made.json<{ id: string; url: string; state: string; label: string }>()
  t.match(link.url, /^http:\/\/localhost(:\d+)?\/console\/portal#[A-Za-z0-9_-]{43}$/, 'the secret is in the fragment')
  t.match(link, { state: 'unused', label: 'main, viewer' })
  const secret = secretOf(link.url)

  const listed = await app.inject({ url: '/admin/portal-links', headers: bearer })
  t.equal(listed.statusCode, 200)
  t.match(listed.json(), { links: [{ id: link.id, state: 'unused', scope: one, role: 'viewer' }] })
  t.notOk(listed.body.includes(secret), 'the list never shows the secret')
  t.notOk(listed.body.includes('secretHash'), 'nor its hash')

  const opened = await exchange(secret)
  t.equal(opened.statusCode, 200)
  t.match(opened.json(), { role: 'viewer', scope: one, scopeName: 'main', via: 'portal-link' })
  t.match(String(opened.headers['set-cookie']), /^tagrelay_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict;/)
  const cookie = cookieOf(opened.headers['set-cookie'])
  const who = await app.inject({ url: '/admin/session', headers: { cookie } })
  t.match(who.json(), { role: 'viewer', scope: one, scopeName: 'main', via: 'portal-link' })

  const again = await exchange(secret)
  t.equal(again.statusCode, 410)
  t.match(again.json(), { code: 'TAGRELAY_PORTAL_LINK_USED', message: /already used/ })
  t.match((await app.inject({ url: '/admin/portal-links', headers: bearer })).json(), { links: [{ state: 'used' }] })

  const unknown = await exchange('x'.repeat(43))
  t.equal(unknown.statusCode, 401)
  t.equal(unknown.json<{ code: string }>().code, 'TAGRELAY_PORTAL_LINK_UNKNOWN')

  const page = await app.inject({ url: '/console/portal' })
  t.equal(page.statusCode, 200)
  t.match(page.body, /src="\/console\/assets\/pages\/portal\.js"/)

  const text = logs.text()
  t.ok(text.includes('portal link made') && text.includes('console session opened by a portal link'), 'logged')
  t.notOk(text.includes(secret), 'the secret is in no log line of the whole flow')
  const stored = (await store.portalLinks.list(10))[0]!
  t.notOk(text.includes(stored.secretHash), 'nor its hash')
})

t.test('two exchanges at once: one wins', async (t) => {
  const { make, exchange, secretOf } = await setup(t)
  const secret = secretOf((await make({ scope: one, role: 'viewer' })).json<{ url: string }>().url)
  const codes = (await Promise.all([exchange(secret), exchange(secret), exchange(secret)])).map((r) => r.statusCode)
  t.same(codes.sort(), [200, 410, 410])
})

t.test('expiry (on the injected clock) and revocation', async (t) => {
  const { app, make, exchange, secretOf, clock } = await setup(t)
  const soon = secretOf((await make({ scope: one, ttlMinutes: 1 })).json<{ url: string }>().url)
  await clock.advance(59_999)
  const live = secretOf((await make({ scope: one, ttlMinutes: 1 })).json<{ url: string }>().url)
  await clock.advance(1)
  const expired = await exchange(soon)
  t.equal(expired.statusCode, 410)
  t.match(expired.json(), { code: 'TAGRELAY_PORTAL_LINK_EXPIRED', message: /expired/ })

  const made = (await make({ scope: one })).json<{ id: string; url: string }>()
  const revoke = await app.inject({ method: 'DELETE', url: `/admin/portal-links/${made.id}`, headers: bearer })
  t.equal(revoke.statusCode, 204)
  const revoked = await exchange(secretOf(made.url))
  t.equal(revoked.statusCode, 410)
  t.match(revoked.json(), { code: 'TAGRELAY_PORTAL_LINK_REVOKED', message: /revoked/ })
  t.equal(
    (await app.inject({ method: 'DELETE', url: '/admin/portal-links/nope', headers: bearer })).statusCode,
    404,
    'an unknown link',
  )
  t.equal((await exchange(live)).statusCode, 200, 'a link within its lifetime still opens')
})

t.test("a viewer link's session changes nothing; a scoped session makes no links", async (t) => {
  const { app, make, exchange, secretOf } = await setup(t)
  const viewer = await exchange(secretOf((await make({ scope: one, role: 'viewer' })).json<{ url: string }>().url))
  const headers = {
    cookie: cookieOf(viewer.headers['set-cookie']),
    'x-csrf-token': viewer.json<{ csrfToken: string }>().csrfToken,
  }
  const replay = await app.inject({
    method: 'POST',
    url: '/admin/dead-letters/replay',
    headers,
    payload: { all: true },
  })
  t.equal(replay.statusCode, 403)
  t.equal(replay.json<{ code: string }>().code, 'TAGRELAY_ADMIN_READ_ONLY', 'replay is refused')

  const admin = await exchange(secretOf((await make({ scope: one, role: 'admin' })).json<{ url: string }>().url))
  const asAdmin = {
    cookie: cookieOf(admin.headers['set-cookie']),
    'x-csrf-token': admin.json<{ csrfToken: string }>().csrfToken,
  }
  const refused = await make({ scope: { kind: 'all' }, role: 'admin' }, asAdmin)
  t.equal(refused.statusCode, 403)
  t.equal(refused.json<{ code: string }>().code, 'TAGRELAY_ADMIN_SCOPE', 'links are made with scope all only')
  t.equal((await app.inject({ url: '/admin/portal-links', headers: asAdmin })).statusCode, 403)
  t.equal((await make({ scope: { kind: 'nope' } })).statusCode, 400, 'a bad scope')
  t.equal((await make({ scope: one, ttlMinutes: 0 })).statusCode, 400, 'a bad ttl')
})
