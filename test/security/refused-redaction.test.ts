import t from 'tap'
import { ADMIN_TOKEN, build, SOURCE_TOKEN } from '../helpers/build.js'
import type { Store } from '../../src/store/index.js'

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }

async function keptId(store: Store): Promise<string> {
  for (;;) {
    const [row] = await store.refused.list({ limit: 1 })
    if (row) return row.id
    await new Promise((r) => setImmediate(r))
  }
}

t.test('a refused request keeps no credential and shows no credential hash, URL-encoded or not', async (t) => {
  const { app, store } = await build(t, { extra: { admin: { token: ADMIN_TOKEN } } })
  // the real token in the query, a stale one in the header (which the verifier reads first)
  const res = await app.inject({
    method: 'POST',
    url: `/hooks/forms?token=${SOURCE_TOKEN}&src=ads`,
    headers: {
      'content-type': 'application/json',
      'x-tagrelay-token': 'stale-token-0000000000',
      'x-auth': 'auth-value-1111111111',
      'x-webhook-key': 'webkey-2222222222',
      'x-partner-token': 'partner-3333333333',
      'x-forwarded-auth': 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
      'x-request-id': 'req-42',
    },
    payload: JSON.stringify({ type: 'signup', email: 'ada@example.com' }),
  })
  t.equal(res.statusCode, 401)
  const id = await keptId(store)
  const kept = await store.refused.get(id)
  const stored = JSON.stringify({ url: kept?.url, headers: kept?.headers, query: kept?.query })
  for (const secret of [SOURCE_TOKEN, 'stale-token', 'auth-value', 'webkey-2222', 'partner-3333', 'eyJhbGci'])
    t.notOk(stored.includes(secret), `${secret} is not stored`)
  for (const name of ['x-auth', 'x-webhook-key', 'x-partner-token', 'x-forwarded-auth'])
    t.match(kept?.headers[name], /^sha256:[0-9a-f]{64}$/, `${name} kept only as a hash`)
  t.equal(kept?.headers['x-request-id'], 'req-42', 'an ordinary header stays as sent')

  const detail = await app.inject({ url: `/admin/refused/${id}`, headers: auth })
  t.equal(detail.statusCode, 200)
  const shown = detail.body
  t.notMatch(shown, /sha256(:|%3A)[0-9a-f]{64}/i, 'no hash of a credential, in any encoding')
  t.notOk(shown.includes(SOURCE_TOKEN), 'nor the token itself')
  t.match(detail.json().url, /^\/hooks\/forms\?token=(\[redacted\]|%5Bredacted%5D)&src=ads$/)
})
