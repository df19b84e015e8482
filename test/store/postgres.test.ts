import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import t from 'tap'
import { openStore } from '../../src/store/index.js'
import { storeContract } from './contract.js'
import { emptySchema, freshSchema, postgresForTests } from './helpers/postgres.js'
import { event, job, T0 } from './fixtures.js'

const url = await postgresForTests(t)

if (url) {
  t.test('contract (postgres)', async (t) => {
    // every open gets a schema of its own, migrated and empty, so every case starts from an empty store
    storeContract(t, async (t) => openStore({ url, postgres: { schema: await emptySchema(t, url), poolSize: 4 } }))
  })

  t.test('migrate: two stores migrating one schema at once both succeed, once', async (t) => {
    const schema = freshSchema(t, url)
    const stores = await Promise.all([1, 2, 3].map(() => openStore({ url, postgres: { schema } })))
    t.teardown(() => Promise.all(stores.map((s) => s.close())))
    await stores[0]!.intake.accept(event(), [job()])
    t.equal(await stores[2]!.housekeeping.countJobs(), 1)
  })

  t.test('migrate: false refuses an unmigrated schema, then works once migrated', async (t) => {
    const schema = freshSchema(t, url)
    await t.rejects(openStore({ url, postgres: { schema }, migrate: false }), { code: 'TAGRELAY_STORE_NOT_MIGRATED' })
    await (await openStore({ url, postgres: { schema } })).close()
    const store = await openStore({ url, postgres: { schema }, migrate: false })
    t.teardown(() => store.close())
    t.equal(await store.housekeeping.countEvents(), 0)
  })

  t.test('two pools never claim the same job (SKIP LOCKED)', async (t) => {
    const schema = freshSchema(t, url)
    const a = await openStore({ url, postgres: { schema } })
    const b = await openStore({ url, postgres: { schema } })
    t.teardown(async () => {
      await a.close()
      await b.close()
    })
    for (let i = 0; i < 30; i++) await a.intake.accept(event({ receivedAt: T0 + i }), [job(), job()])
    const seen: number[] = []
    for (let round = 0; round < 12; round++) {
      const claims = await Promise.all([
        a.jobs.claim({ owner: 'A', limit: 3, leaseMs: 60_000, now: T0 + 100 }),
        b.jobs.claim({ owner: 'B', limit: 3, leaseMs: 60_000, now: T0 + 100 }),
        a.jobs.claim({ owner: 'C', limit: 3, leaseMs: 60_000, now: T0 + 100 }),
      ])
      for (const c of claims) seen.push(...c.map((j) => j.id))
    }
    t.equal(seen.length, 60, 'every job claimed')
    t.equal(new Set(seen).size, 60, 'no job claimed twice')
  })

  t.test('lease renewal skips rows a finishing transaction holds: no lock wait, no deadlock', async (t) => {
    // completeJobs updates a round's rows one by one in one transaction while the round's
    // renewal timer may fire: if the renewal waited on those rows (locking others in
    // another order), the two deadlocked and PostgreSQL aborted one after a second
    // (the chaos crash run found it: "lease renewal failed: deadlock detected")
    const schema = freshSchema(t, url)
    const store = await openStore({ url, postgres: { schema } })
    t.teardown(() => store.close())
    for (let i = 0; i < 3; i++) await store.intake.accept(event({ receivedAt: T0 + i }), [job()])
    const ids = (await store.jobs.claim({ owner: 'W', limit: 3, leaseMs: 1000, now: T0 + 100 })).map((j) => j.id)
    t.equal(ids.length, 3)
    const finisher = new pg.Client({ connectionString: url })
    await finisher.connect()
    t.teardown(() => finisher.end())
    await finisher.query('BEGIN')
    await finisher.query(`UPDATE ${schema}.jobs SET updated_at = updated_at WHERE id = $1`, [ids[1]])
    const renewal = store.jobs.renewLeases('W', ids, 1000, T0 + 500)
    t.equal(
      await Promise.race([renewal, sleep(3000, 'still waiting')]),
      2,
      'the two free rows renewed at once, the held one passed over',
    )
    await finisher.query('ROLLBACK')
    await renewal
    t.equal(await store.jobs.renewLeases('W', ids, 1000, T0 + 600), 3, 'once released, it is renewed too')
  })

  t.test('dedupe across two pools: simultaneous copies store one event', async (t) => {
    const schema = freshSchema(t, url)
    const a = await openStore({ url, postgres: { schema } })
    const b = await openStore({ url, postgres: { schema } })
    t.teardown(async () => {
      await a.close()
      await b.close()
    })
    const opts = { dedupe: { key: 'same', expiresAt: T0 + 86_400_000 } }
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).intake.accept(event(), [job()], opts)),
    )
    t.equal(results.filter((r) => !r.duplicate).length, 1)
    t.equal(await a.housekeeping.countEvents(), 1)
  })
}

if (url) {
  t.test('OAuth: two replicas needing a refresh at once spend the refresh token once', async (t) => {
    const { OAuthAuth } = await import('../../src/highlevel/index.js')
    const schema = freshSchema(t, url)
    const stores = await Promise.all([1, 2, 3].map(() => openStore({ url, postgres: { schema } })))
    t.teardown(() => Promise.all(stores.map((s) => s.close())))
    const spent: string[] = []
    let n = 0
    const exchange = async (grant: { refreshToken: string }) => {
      if (spent.includes(grant.refreshToken)) throw new Error(`refresh token ${grant.refreshToken} spent twice`)
      spent.push(grant.refreshToken)
      await new Promise((r) => setTimeout(r, 50))
      n += 1
      return { accessToken: `access-${n}`, refreshToken: `refresh-${n}`, expiresInSec: 86_400 }
    }
    const replicas = stores.map(
      (store) =>
        new OAuthAuth({
          locationId: 'loc',
          clientId: 'c',
          clientSecret: 's',
          refreshToken: 'refresh-0',
          refreshMarginMs: 300_000,
          userType: 'Location',
          store: store.tokens,
          exchange,
        }),
    )
    const tokens = await Promise.all(replicas.map((r) => r.accessToken()))
    t.same(spent, ['refresh-0'], 'one exchange across the replicas')
    t.same(tokens, ['access-1', 'access-1', 'access-1'], 'the others read the saved pair')
  })
}

if (url) {
  t.test('migrations: a failing one rolls back and keeps the earlier ones; a newer schema is refused', async (t) => {
    const { appliedPostgresVersions, postgresMigrationTarget } = await import('../../src/store/postgres/migrate.js')
    const { migrate } = await import('../../src/store/migrations/run.js')
    const { createPool } = await import('../../src/store/postgres/pool.js')
    const { latestVersion } = await import('../../src/store/migrations/index.js')
    const schema = freshSchema(t, url)
    const pool = createPool(url, { schema })
    t.teardown(() => pool.end())
    const target = postgresMigrationTarget(pool, schema)
    const one = { version: 1, name: 'one', sql: () => 'CREATE TABLE one (x INTEGER)' }
    await t.rejects(
      migrate(target, [
        one,
        { version: 2, name: 'two', sql: () => 'CREATE TABLE two (x INTEGER); SELECT * FROM missing' },
      ]),
    )
    t.same(await appliedPostgresVersions(pool), [1])
    const { rows } = await pool.query("SELECT to_regclass('two') AS t")
    t.equal(rows[0].t, null, 'the failed migration left no table')
    await migrate(target, [one, { version: 2, name: 'two', sql: () => 'CREATE TABLE two (x INTEGER)' }])
    t.same(await appliedPostgresVersions(pool), [1, 2], 'resumes after a fix')

    const newer = freshSchema(t, url)
    const store = await openStore({ url, postgres: { schema: newer } })
    await (store as unknown as { pool: { query(q: string, v: unknown[]): Promise<unknown> } }).pool.query(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
      [latestVersion + 1, 'future', 0],
    )
    await store.close()
    await t.rejects(openStore({ url, postgres: { schema: newer } }), { code: 'TAGRELAY_STORE_SCHEMA_TOO_NEW' })
  })
}

if (url) {
  t.test("settings in the URL's options hold, and the store still keeps to its schema", async (t) => {
    const schema = freshSchema(t, url)
    const withOptions = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c statement_timeout=4321')}`
    const store = await openStore({ url: withOptions, postgres: { schema } })
    t.teardown(() => store.close())
    const pool = (store as unknown as { pool: pg.Pool }).pool
    const shown = async (setting: string) => (await pool.query(`SHOW ${setting}`)).rows[0][setting]
    t.equal(await shown('statement_timeout'), '4321ms', "the URL's setting")
    t.equal((await pool.query('SELECT current_schema() AS s')).rows[0].s, schema, "the store's schema")
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'events'",
      [schema],
    )
    t.equal(rows[0].n, 1, 'the tables were made in the store schema')
  })
}
