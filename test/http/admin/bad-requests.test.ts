import t from 'tap'
import { ADMIN_TOKEN, build } from '../../helpers/build.js'

const VIEWER = 'vwr-4c1f8a2e9b7d4e6fa3c05d18'
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
const viewer = { authorization: `Bearer ${VIEWER}` }

/**
 * The route schemas validate before the handler: the answers are the ones the handlers
 * gave when they validated themselves (status, code and message, as clients and the
 * console read them), and a refusal that came first still does.
 */
t.test('an invalid request answers 400 TAGRELAY_BAD_REQUEST with the same message', async (t) => {
  const { app } = await build(t, { extra: { admin: { token: ADMIN_TOKEN, viewerToken: VIEWER } } })
  const cases: Array<[string, string, unknown, string]> = [
    [
      'GET',
      '/admin/alerts?status=nope',
      undefined,
      'invalid request: status: invalid value (valid: pending, sent, failed)',
    ],
    ['GET', '/admin/dead-letters/abc', undefined, 'invalid request: id: expected a number'],
    [
      'POST',
      '/admin/dead-letters/discard',
      { ids: [] },
      'invalid request: ids: Too small: expected array to have >=1 items',
    ],
    ['GET', '/admin/events?colour=red', undefined, 'invalid query: (root): unknown key "colour"'],
    ['GET', '/admin/events?limit=0', undefined, 'invalid query: limit: Too small: expected number to be >=1'],
    ['POST', '/admin/events/evt-1/rerun', { dryRun: 'yes' }, 'invalid body: dryRun: expected a boolean'],
    ['GET', '/admin/locations?limit=0', undefined, 'query: Too small: expected number to be >=1'],
    ['PATCH', '/admin/locations/main', {}, 'body: (root): give name and/or disabled'],
    ['POST', '/admin/rules/test', { source: 'open' }, 'invalid request: payload: payload is required'],
    ['GET', '/admin/refused?limit=0', undefined, 'invalid request: limit: Too small: expected number to be >=1'],
    ['POST', '/admin/session', {}, 'invalid request: send {"token": "<admin or viewer token>"}'],
  ]
  for (const [method, url, payload, message] of cases) {
    const res = await app.inject({ method: method as 'GET', url, headers: admin, ...(payload ? { payload } : {}) })
    t.same(res.json(), { statusCode: 400, code: 'TAGRELAY_BAD_REQUEST', message }, `${method} ${url}`)
  }
})

t.test('a refusal that came before the body was read still comes before its validation', async (t) => {
  const { app } = await build(t, { extra: { admin: { token: ADMIN_TOKEN, viewerToken: VIEWER } } })
  const patch = await app.inject({ method: 'PATCH', url: '/admin/locations/main', headers: viewer, payload: {} })
  t.match(patch.json(), { statusCode: 403, code: 'TAGRELAY_ADMIN_READ_ONLY' }, 'a viewer: read-only, not 400')
  const sso = await app.inject({ method: 'POST', url: '/admin/sso/highlevel', payload: { nope: 1 } })
  t.match(sso.json(), { statusCode: 404, code: 'TAGRELAY_SSO_DISABLED' }, 'SSO without a shared secret: 404, not 400')
})
