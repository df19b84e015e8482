import t from 'tap'
import { ADMIN_TOKEN, build } from '../helpers/build.js'

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }

// Admin answers hold emails and request bodies: no cache may keep them, no browser may sniff them.
t.test('every admin answer says no-store and nosniff: success, refusal and error alike', async (t) => {
  const { app } = await build(t, { extra: { admin: { token: ADMIN_TOKEN } } })
  const answers = [
    await app.inject({ url: '/admin/events', headers: auth }),
    await app.inject({ url: '/admin/refused', headers: auth }),
    await app.inject({ url: '/admin/events' }),
    await app.inject({ url: '/admin/events/nope', headers: auth }),
    await app.inject({ url: '/admin/refused?limit=0', headers: auth }),
  ]
  t.same(
    answers.map((r) => r.statusCode),
    [200, 200, 401, 404, 400],
  )
  for (const r of answers) {
    t.equal(r.headers['cache-control'], 'no-store', `${r.statusCode}: no-store`)
    t.equal(r.headers['x-content-type-options'], 'nosniff', `${r.statusCode}: nosniff`)
  }
})

t.test('admin switched off: its 404 carries the headers too', async (t) => {
  const { app } = await build(t)
  const r = await app.inject({ url: '/admin/events' })
  t.equal(r.statusCode, 404)
  t.equal(r.headers['cache-control'], 'no-store')
  t.equal(r.headers['x-content-type-options'], 'nosniff')
})
