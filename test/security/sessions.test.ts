import { join } from 'node:path'
import t from 'tap'
import { ADMIN_TOKEN, tempDir, testConfig } from '../helpers/build.js'
import { freshSchema, postgresForTests } from '../store/helpers/postgres.js'
import { appOver, signIn } from './helpers.js'

const config = (storeUrl: string, store: Record<string, unknown> = {}) =>
  testConfig({ storeUrl, extra: { admin: { token: ADMIN_TOKEN }, store: { url: storeUrl, ...store } } })

t.test('a signed-out console cookie stays refused after a restart (SQLite)', async (t) => {
  const storeUrl = `sqlite:${join(tempDir(t), 'sessions.db')}`
  const first = await appOver({ teardown: () => {} }, config(storeUrl))
  const { cookie, csrf } = await signIn(first.app, ADMIN_TOKEN)
  const kept = await signIn(first.app, ADMIN_TOKEN)
  t.equal((await first.app.inject({ url: '/admin/session', headers: { cookie } })).statusCode, 200)
  const out = await first.app.inject({
    method: 'DELETE',
    url: '/admin/session',
    headers: { cookie, 'x-csrf-token': csrf },
  })
  t.equal(out.statusCode, 204)
  t.equal((await first.app.inject({ url: '/admin/session', headers: { cookie } })).statusCode, 401)
  await first.app.close()
  await first.store.close()

  const restarted = await appOver(t, config(storeUrl))
  const again = await restarted.app.inject({ url: '/admin/events', headers: { cookie } })
  t.equal(again.statusCode, 401, 'the signed-out cookie is refused after the restart')
  const other = await restarted.app.inject({ url: '/admin/session', headers: { cookie: kept.cookie } })
  t.equal(other.statusCode, 200, 'a session that was not signed out still holds')
})

const url = await postgresForTests(t)
if (url) {
  t.test('a sign-out on one replica holds on the other (PostgreSQL)', async (t) => {
    const schema = freshSchema(t, url)
    const a = await appOver(t, config(url, { postgres: { schema } }))
    const b = await appOver(t, config(url, { postgres: { schema } }))
    const { cookie, csrf } = await signIn(a.app, ADMIN_TOKEN)
    t.equal((await b.app.inject({ url: '/admin/session', headers: { cookie } })).statusCode, 200, 'shared session')
    const out = await a.app.inject({
      method: 'DELETE',
      url: '/admin/session',
      headers: { cookie, 'x-csrf-token': csrf },
    })
    t.equal(out.statusCode, 204)
    t.equal(
      (await b.app.inject({ url: '/admin/session', headers: { cookie } })).statusCode,
      401,
      'the other replica refuses it too',
    )
  })
}
