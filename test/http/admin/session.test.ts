import t from 'tap'
import { ADMIN_TOKEN, build } from '../../helpers/build.js'

const VIEWER = 'view-3c8e1a5f7b9d2e40'
const cookieOf = (setCookie: string | string[] | undefined): string => String(setCookie).split(';')[0] as string

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

async function setup(t: Tap) {
  const built = await build(t, { extra: { admin: { token: ADMIN_TOKEN, viewerToken: VIEWER } } })
  const signIn = async (token: string, headers: Record<string, string> = {}) =>
    built.app.inject({ method: 'POST', url: '/admin/session', payload: { token }, headers })
  return { ...built, signIn }
}

t.test('sign-in sets a session cookie (HttpOnly, SameSite=Strict, expiring), never the token', async (t) => {
  const { app, signIn } = await setup(t)
  const res = await signIn(ADMIN_TOKEN)
  t.equal(res.statusCode, 200)
  const set = String(res.headers['set-cookie'])
  t.match(set, /^tagrelay_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/)
  t.notOk(set.includes(ADMIN_TOKEN), 'the token is not in the cookie')
  t.notOk(res.body.includes(ADMIN_TOKEN), 'nor in the answer')
  t.match(res.json(), { role: 'admin', expiresAt: String, csrfToken: String })
  const secure = await signIn(ADMIN_TOKEN, { 'x-forwarded-proto': 'https' })
  t.match(String(secure.headers['set-cookie']), /; Secure$/, 'Secure behind HTTPS')

  const cookie = cookieOf(res.headers['set-cookie'])
  const who = await app.inject({ url: '/admin/session', headers: { cookie } })
  t.same(who.json(), res.json(), 'the session reads back with its CSRF token')
  t.equal((await app.inject({ url: '/admin/events', headers: { cookie } })).statusCode, 200, 'the cookie opens the API')

  t.equal((await signIn('wrong-token-wrong-token')).statusCode, 401, 'a wrong token is refused')
  t.equal((await app.inject({ method: 'POST', url: '/admin/session', payload: {} })).statusCode, 400)
  const forged = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))
  t.equal((await app.inject({ url: '/admin/events', headers: { cookie: forged } })).statusCode, 401, 'a forged cookie')
})

t.test('state-changing cookie calls need the CSRF token and this origin', async (t) => {
  const { app, signIn } = await setup(t)
  const res = await signIn(ADMIN_TOKEN)
  const cookie = cookieOf(res.headers['set-cookie'])
  const { csrfToken } = res.json<{ csrfToken: string }>()
  const replay = (headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/admin/dead-letters/replay',
      payload: { all: true },
      headers: { cookie, ...headers },
    })
  const without = await replay({})
  t.equal(without.statusCode, 403)
  t.equal(without.json().code, 'TAGRELAY_ADMIN_CSRF')
  t.equal((await replay({ 'x-csrf-token': 'nope' })).statusCode, 403, 'a wrong token')
  const foreign = await replay({ 'x-csrf-token': csrfToken, origin: 'http://evil.example' })
  t.equal(foreign.statusCode, 403, 'another origin, even with the token')
  t.equal((await replay({ 'x-csrf-token': csrfToken, origin: 'http://localhost:80' })).statusCode, 200, 'same host')
  t.equal((await replay({ 'x-csrf-token': csrfToken })).statusCode, 200)
  const bearer = await app.inject({
    method: 'POST',
    url: '/admin/dead-letters/replay',
    payload: { all: true },
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  })
  t.equal(bearer.statusCode, 200, 'bearer calls need no CSRF token (no ambient credential)')
  t.equal(
    (await signIn(ADMIN_TOKEN, { origin: 'http://evil.example' })).statusCode,
    403,
    'no sign-in from another origin (login CSRF)',
  )
})

t.test('a viewer reads everything and changes nothing', async (t) => {
  const { app, signIn } = await setup(t)
  const res = await signIn(VIEWER)
  t.equal(res.json().role, 'viewer')
  const cookie = cookieOf(res.headers['set-cookie'])
  const headers = { cookie, 'x-csrf-token': res.json<{ csrfToken: string }>().csrfToken }
  for (const url of ['/admin/events', '/admin/locations', '/admin/rules', '/admin/dead-letters', '/admin/openapi.json'])
    t.equal((await app.inject({ url, headers })).statusCode, 200, `GET ${url}`)
  const replay = await app.inject({
    method: 'POST',
    url: '/admin/dead-letters/replay',
    payload: { all: true },
    headers,
  })
  t.equal(replay.statusCode, 403)
  t.equal(replay.json().code, 'TAGRELAY_ADMIN_READ_ONLY')
  const bearer = { authorization: `Bearer ${VIEWER}` }
  t.equal((await app.inject({ method: 'DELETE', url: '/admin/dead-letters/1', headers: bearer })).statusCode, 403)
  const test = await app.inject({
    method: 'POST',
    url: '/admin/rules/test',
    payload: { source: 'forms', payload: { type: 'signup', email: 'a@example.com' } },
    headers,
  })
  t.equal(test.statusCode, 200, 'the rules tester changes nothing: allowed')
  const rerun = (dryRun: boolean) =>
    app.inject({ method: 'POST', url: '/admin/events/nope/rerun', payload: { dryRun }, headers })
  t.equal((await rerun(true)).statusCode, 404, 'a dry run is allowed (and finds no event)')
  t.equal((await rerun(false)).statusCode, 403, 'a real re-run is not')
})

t.test('sign-out ends the session; expiry ends it too; no token, no console', async (t) => {
  const { app, signIn, store } = await setup(t)
  const res = await signIn(ADMIN_TOKEN)
  const cookie = cookieOf(res.headers['set-cookie'])
  const out = await app.inject({
    method: 'DELETE',
    url: '/admin/session',
    headers: { cookie, 'x-csrf-token': res.json<{ csrfToken: string }>().csrfToken },
  })
  t.equal(out.statusCode, 204)
  t.match(String(out.headers['set-cookie']), /^tagrelay_session=; .*Max-Age=0/, 'the cookie is cleared')
  t.equal((await app.inject({ url: '/admin/events', headers: { cookie } })).statusCode, 401, 'the old cookie is dead')

  const { SessionKeeper } = await import('../../../src/http/routes/admin/sessions.js')
  let now = 1_000_000
  const keeper = new SessionKeeper({ admin: ADMIN_TOKEN }, 60_000, store.sessions, () => now)
  const { cookieValue } = await keeper.open('admin')
  t.ok(await keeper.read(cookieValue), 'valid within its lifetime')
  now += 60_000
  t.equal(await keeper.read(cookieValue), null, 'expired after it')
  t.equal(await keeper.read('x'.repeat(600)), null, 'an oversized cookie is refused')
  const other = new SessionKeeper({ admin: `${ADMIN_TOKEN}-rotated` }, 60_000, store.sessions, () => 1_000_000)
  t.equal(await other.read(cookieValue), null, 'rotating the admin token ends its sessions')

  const off = await build(t)
  t.equal((await off.app.inject({ method: 'POST', url: '/admin/session', payload: { token: 'x' } })).statusCode, 404)
  t.equal((await off.app.inject({ url: '/console/events' })).statusCode, 404, 'the console is off without a token')
})

t.test('a session as a header (Authorization: Session): no CSRF, same store check; its scope reads back', async (t) => {
  const { app, store } = await setup(t)
  const { SessionKeeper } = await import('../../../src/http/routes/admin/sessions.js')
  const keeper = new SessionKeeper({ admin: ADMIN_TOKEN, viewer: VIEWER }, 60_000, store.sessions)
  const scope = { kind: 'locations' as const, locationIds: ['loc-x'] }
  const { cookieValue, session } = await keeper.open('admin', scope, { via: 'sso' })
  t.match(session, { role: 'admin', scope, via: 'sso' })
  const authorization = `Session ${cookieValue}`
  const who = await app.inject({ url: '/admin/session', headers: { authorization } })
  t.equal(who.statusCode, 200)
  t.match(who.json(), { role: 'admin', scope, scopeName: '1 location', via: 'sso' })
  const change = await app.inject({
    method: 'POST',
    url: '/admin/dead-letters/replay',
    headers: { authorization, origin: 'https://elsewhere.example' },
    payload: { all: true },
  })
  t.equal(change.statusCode, 200, 'a header-borne session needs no CSRF token')
  const out = await app.inject({ method: 'DELETE', url: '/admin/session', headers: { authorization } })
  t.equal(out.statusCode, 204)
  t.equal((await app.inject({ url: '/admin/events', headers: { authorization } })).statusCode, 401, 'revoked')
  t.equal((await app.inject({ url: '/admin/events', headers: { authorization: 'Session x.y' } })).statusCode, 401)

  const only = new SessionKeeper({ admin: ADMIN_TOKEN }, 60_000, store.sessions)
  const viewer = await only.open('viewer', scope, { via: 'portal-link', ttlMs: 10 * 60_000 })
  t.equal(viewer.session.expiresAt - Date.now() <= 60_000, true, 'never longer than the keeper allows')
  t.match(await only.read(viewer.cookieValue), { role: 'viewer', via: 'portal-link' }, 'a viewer without viewerToken')
})
