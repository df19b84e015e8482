import t from 'tap'
import { build } from '../helpers/build.js'

t.test('/healthz answers while the process is alive', async (t) => {
  const { app } = await build(t)
  const res = await app.inject('/healthz')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})

t.test('/readyz reports the store and the rules version', async (t) => {
  const { app } = await build(t)
  const res = await app.inject('/readyz')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'ready', store: 'sqlite', rules: /^[0-9a-f]{12}$/, ruleCount: 3 })
})

t.test('/readyz answers 503 when the store is unreachable', async (t) => {
  const { app, store } = await build(t)
  store.ping = async () => {
    throw new Error('database is locked')
  }
  const res = await app.inject('/readyz')
  t.equal(res.statusCode, 503)
  t.match(res.json(), { status: 'unavailable', store: 'unreachable' })
})
