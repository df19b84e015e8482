import t from 'tap'
import { openStore, PostgresRateBudget, sharedRateBudget } from '../../src/store/index.js'
import type { PostgresStore } from '../../src/store/postgres/store.js'
import { freshSchema, postgresForTests } from './helpers/postgres.js'

const url = await postgresForTests(t)

t.test('a SQLite store has no shared budget: the engine keeps its own', async (t) => {
  const store = await openStore('sqlite::memory:')
  t.teardown(() => store.close())
  t.equal(sharedRateBudget(store, { max: 100, intervalMs: 10_000 }), undefined)
})

if (url) {
  t.test('two budgets on one database never together exceed the budget', async (t) => {
    const schema = freshSchema(t, url)
    const stores = (await Promise.all([1, 2].map(() => openStore(url, { postgres: { schema } })))) as PostgresStore[]
    t.teardown(() => Promise.all(stores.map((s) => s.close())))
    const limits = { max: 10, intervalMs: 1000 }
    const budgets = stores.map((s) => sharedRateBudget(s, limits)!)
    t.ok(budgets[0] instanceof PostgresRateBudget)
    const now = 1_700_000_000_000
    // 60 requests taken at once, alternately through both replicas: each learns when it may send
    const waits = await Promise.all(Array.from({ length: 60 }, (_, i) => budgets[i % 2]!.take('loc', 1, now)))
    const sendAt = waits.map((w) => now + w).sort((a, b) => a - b)
    t.equal(waits.filter((w) => w === 0).length, 10, 'a full bucket: 10 may go at once')
    // in any window of intervalMs, at most max (burst) + the refill within it
    for (let i = 0; i < sendAt.length; i++) {
      const inWindow = sendAt.filter((x) => x >= sendAt[i]! && x < sendAt[i]! + 1000).length
      t.ok(inWindow <= 20, `window from #${i}: ${inWindow} sends`)
      if (inWindow > 20) break
    }
    t.ok(sendAt[59]! - now >= 4900, 'the 60th waits until the bucket refilled 50 tokens')
    t.equal(await budgets[0]!.take('other', 1, now), 0, 'locations are separate')
  })

  t.test('the bucket refills with time, up to its size', async (t) => {
    const schema = freshSchema(t, url)
    const store = (await openStore(url, { postgres: { schema } })) as PostgresStore
    t.teardown(() => store.close())
    const budget = new PostgresRateBudget(store.pool, () => ({ max: 2, intervalMs: 1000 }))
    const now = 1_700_000_000_000
    t.equal(await budget.take('l', 2, now), 0)
    t.equal(await budget.take('l', 1, now), 500, 'one token refills in 500 ms')
    t.equal(await budget.take('l', 1, now + 10_000), 0, 'long idle: full again')
    t.equal(await budget.take('l', 1, now + 10_000), 0)
    t.ok((await budget.take('l', 1, now + 10_000)) > 0, 'but never beyond its size')
  })
}
