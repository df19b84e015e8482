import Database from 'better-sqlite3'
import t from 'tap'
import { holds } from '../helpers/until.js'
import { ADMIN_TOKEN, build } from '../helpers/build.js'
import type { Store } from '../../src/store/index.js'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

const bad = { 'content-type': 'application/json', 'x-tagrelay-token': 'wrong-token-000000000000' }

/** Waits until the store holds `n` kept refusals (each keep is committed by the store's writer). */
async function kept(t: Tap, store: Store, n: number): Promise<number> {
  let count = 0
  await holds(async () => (count = (await store.refused.list({ limit: 1000 })).length) >= n)
  t.equal(count, n, `${n} kept`)
  return count
}

t.test('a kept refusal never waits on the event loop: the store writer commits it', async (t) => {
  const { app, store, config } = await build(t)
  // another process holds SQLite's write lock: whoever writes the refusal has to wait for it
  const other = new Database(config.store.url.slice('sqlite:'.length))
  t.teardown(() => other.close())
  other.exec('BEGIN IMMEDIATE')
  const refused = await app.inject({ method: 'POST', url: '/hooks/forms', headers: bad, payload: '{"a":1}' })
  t.equal(refused.statusCode, 401)
  const health = await app.inject({ url: '/healthz' })
  t.equal(health.statusCode, 200, 'the server answers while the refusal waits for the lock')
  t.equal((await store.refused.list({ limit: 10 })).length, 0, 'not written yet: the lock is held')
  other.exec('COMMIT')
  await kept(t, store, 1)
})

t.test('beyond the keep rate a refusal is counted, not kept', async (t) => {
  const { app, store } = await build(t, {
    extra: { refused: { keepPerMinute: 0.001, keepBurst: 5 }, admin: { token: ADMIN_TOKEN } },
  })
  for (let i = 0; i < 30; i++) {
    const res = await app.inject({ method: 'POST', url: '/hooks/forms', headers: bad, payload: `{"n":${i}}` })
    t.equal(res.statusCode, 401)
  }
  await kept(t, store, 5)
  const metrics = (await app.inject({ url: '/metrics' })).body
  t.match(metrics, /tagrelay_refused_not_kept_total\{source="forms",reason="rate"\} 25/)
  t.match(metrics, /tagrelay_refused_kept_total\{source="forms",code="TAGRELAY_BAD_TOKEN"\} 5/)
})

t.test('the byte cap counts every stored byte: headers and URL too', async (t) => {
  const { app, store } = await build(t, { extra: { refused: { maxBytesPerSource: 8192 } } })
  const note = 'n'.repeat(1500)
  for (let i = 0; i < 10; i++) {
    const res = await app.inject({
      method: 'POST',
      url: `/hooks/forms?i=${i}&ref=${'r'.repeat(200)}`,
      headers: { ...bad, 'x-note': note },
      payload: '{}',
    })
    t.equal(res.statusCode, 401)
  }
  // the last keep trims the source in its own transaction: wait for it, then look. Which
  // row lists first is not asked: two keeps in one millisecond list in either order
  let rows = await store.refused.list({ limit: 100 })
  const lastKept = async () => {
    rows = await store.refused.list({ limit: 100 })
    for (const r of rows) if ((await store.refused.get(r.id))?.url.includes('i=9')) return true
    return false
  }
  t.ok(await holds(lastKept), 'the last refusal is kept')
  t.ok(rows.length > 0 && rows.length <= 5, `at most 5 of 1.7 kB each under 8 kB (kept ${rows.length})`)
  for (const r of rows) t.ok(r.bytes > 1700, `a row counts its headers and URL (${r.bytes} bytes)`)
  t.ok(rows.reduce((n, r) => n + r.bytes, 0) <= 8192, 'the source holds no more than its cap')
})

t.test('a path that can never be accepted is refused before its body and not kept', async (t) => {
  const { app, store } = await build(t, {
    sources: { byurl: { location: { from: 'url' }, verify: { type: 'token', token: 'tok-url-0123456789abcdef' } } },
  })
  const fixed = await app.inject({ method: 'POST', url: '/hooks/forms/anything', headers: bad, payload: '{}' })
  t.equal(fixed.statusCode, 404)
  t.equal(fixed.json().code, 'TAGRELAY_LOCATION_NOT_IN_URL')
  const bare = await app.inject({ method: 'POST', url: '/hooks/byurl', headers: bad, payload: '{}' })
  t.equal(bare.statusCode, 404)
  t.equal(bare.json().code, 'TAGRELAY_LOCATION_NOT_IN_URL')
  // one that can be accepted, refused after them: kept, and alone
  const later = await app.inject({ method: 'POST', url: '/hooks/forms', headers: bad, payload: '{}' })
  t.equal(later.statusCode, 401)
  await kept(t, store, 1)
  const [row] = await store.refused.list({ limit: 10 })
  t.equal((await store.refused.get(row!.id))?.url, '/hooks/forms')
})
