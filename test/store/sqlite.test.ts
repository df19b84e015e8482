import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { openStore } from '../../src/store/index.js'
import { migrate, appliedVersions } from '../../src/store/sqlite/migrate.js'
import { latestVersion, migrations } from '../../src/store/sqlite/migrations.js'
import { openSqliteStore } from '../../src/store/sqlite/store.js'
import { storeContract } from './contract.js'
import { attempt, event, job, T0 } from './fixtures.js'

const dir = t.testdir({})
let n = 0
const dbPath = (): string => join(dir, `db-${++n}`, 'tagrelay.db')

t.test('contract (file)', async (t) => {
  storeContract(t, () => openStore(`sqlite:${dbPath()}`))
})

t.test('contract (:memory:)', async (t) => {
  storeContract(t, () => openStore('sqlite::memory:'))
})

t.test('open creates the parent directory and sets pragmas', async (t) => {
  const path = dbPath()
  const store = openSqliteStore(path)
  t.teardown(() => store.close())
  t.ok(existsSync(path))
  const raw = new Database(path, { readonly: true })
  t.teardown(() => raw.close())
  t.equal(raw.pragma('journal_mode', { simple: true }), 'wal')
})

t.test('a store used before migrate() says so', async (t) => {
  const store = openSqliteStore(':memory:')
  t.teardown(() => store.close())
  await t.rejects(store.countEvents(), { code: 'TAGRELAY_STORE_NOT_MIGRATED' })
})

t.test('migrations are numbered in increasing order with unique names', async (t) => {
  const versions = migrations.map((m) => m.version)
  t.equal(versions[0], 1)
  t.ok(versions.every((v, i) => i === 0 || v > versions[i - 1]!), 'strictly increasing')
  t.equal(new Set(migrations.map((m) => m.name)).size, migrations.length)
  t.equal(latestVersion, versions.at(-1))
})

t.test('a migration numbered below the newest applied one still runs (gaps from parallel work)', async (t) => {
  const db = new Database(':memory:')
  t.teardown(() => db.close())
  const one = { version: 1, name: 'one', sql: 'CREATE TABLE one (x INTEGER)' }
  const four = { version: 4, name: 'four', sql: 'CREATE TABLE four (x INTEGER)' }
  migrate(db, [one, four])
  t.same(appliedVersions(db), [1, 4])
  migrate(db, [one, { version: 2, name: 'two', sql: 'CREATE TABLE two (x INTEGER)' }, four])
  t.same(appliedVersions(db), [1, 2, 4], 'version 2 applied after 4')
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name)
  t.ok(tables.includes('two'))
})

t.test('migrate twice records each version once', async (t) => {
  const db = new Database(':memory:')
  t.teardown(() => db.close())
  migrate(db)
  migrate(db)
  t.same(appliedVersions(db), migrations.map((m) => m.version))
})

t.test('a failing migration rolls back and keeps the earlier ones', async (t) => {
  const db = new Database(':memory:')
  t.teardown(() => db.close())
  const list = [
    { version: 1, name: 'one', sql: 'CREATE TABLE one (x INTEGER)' },
    { version: 2, name: 'two', sql: 'CREATE TABLE two (x INTEGER); SELECT * FROM missing' },
  ]
  t.throws(() => migrate(db, list))
  t.same(appliedVersions(db), [1])
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all()
  t.notOk(tables.some((r) => r.name === 'two'), 'table of the failed migration rolled back')
  migrate(db, [list[0]!, { version: 2, name: 'two', sql: 'CREATE TABLE two (x INTEGER)' }])
  t.same(appliedVersions(db), [1, 2], 'resumes after a fix')
})

t.test('a database with a newer schema is refused', async (t) => {
  const path = dbPath()
  await (await openStore(`sqlite:${path}`)).close()
  const raw = new Database(path)
  raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(latestVersion + 1, 'future', 0)
  raw.close()
  await t.rejects(openStore(`sqlite:${path}`), {
    code: 'TAGRELAY_STORE_SCHEMA_TOO_NEW',
    message: new RegExp(`version ${latestVersion + 1}`),
  })
})

t.test('data survives close and reopen', async (t) => {
  const path = dbPath()
  const e = event()
  let store = await openStore(`sqlite:${path}`)
  await store.accept(e, [job(), job()])
  const [j] = await store.claimJobs({ owner: 'A', limit: 1, leaseMs: 1000, now: T0 })
  await store.completeJob(j!.id, 'A', attempt({ contactId: 'c1' }))
  await store.close()

  store = await openStore(`sqlite:${path}`)
  t.teardown(() => store.close())
  const got = await store.getEvent(e.id)
  t.equal(got?.body && JSON.stringify(got.body), JSON.stringify(e.body))
  t.match(got?.jobs, [{ status: 'done', contactId: 'c1' }, { status: 'pending' }])
  t.equal(await store.countJobs('done'), 1)
})

t.test('attempt rows record every attempt', async (t) => {
  const path = dbPath()
  const store = await openStore(`sqlite:${path}`)
  t.teardown(() => store.close())
  await store.accept(event(), [job()])
  let [j] = await store.claimJobs({ owner: 'A', limit: 1, leaseMs: 1000, now: T0 })
  await store.failJob(j!.id, 'A', attempt({ outcome: 'retry', statusCode: 429, error: 'rate limited' }), T0 + 100)
  ;[j] = await store.claimJobs({ owner: 'A', limit: 1, leaseMs: 1000, now: T0 + 100 })
  await store.completeJob(j!.id, 'B', attempt())
  await store.completeJob(j!.id, 'A', attempt({ contactId: 'c9', response: { tags: ['x'] } }))

  const raw = new Database(path, { readonly: true })
  t.teardown(() => raw.close())
  const rows = raw.prepare('SELECT job_id, attempt, outcome, status_code, error, contact_id, response FROM attempts ORDER BY id').all()
  t.same(rows, [
    { job_id: j!.id, attempt: 1, outcome: 'retry', status_code: 429, error: 'rate limited', contact_id: null, response: null },
    { job_id: j!.id, attempt: 2, outcome: 'done', status_code: 200, error: null, contact_id: 'c9', response: '{"tags":["x"]}' },
  ], 'the lost-lease completion left no row')
  t.match(await store.listJobs(), [{ attempts: 2, status: 'done' }])
})

t.test('a duplicate event id is a TagrelayError', async (t) => {
  const store = await openStore('sqlite::memory:')
  t.teardown(() => store.close())
  const e = event()
  await store.accept(e, [])
  await t.rejects(store.accept(e, []), { code: 'TAGRELAY_STORE_DUPLICATE_EVENT', statusCode: 409 })
})

t.test('two connections on one file never claim the same job', async (t) => {
  const path = dbPath()
  const a = await openStore(`sqlite:${path}`)
  const b = await openStore(`sqlite:${path}`)
  t.teardown(async () => {
    await a.close()
    await b.close()
  })
  for (let i = 0; i < 10; i++) await a.accept(event({ receivedAt: T0 + i }), [job(), job()])
  const seen: number[] = []
  for (let round = 0; round < 10; round++) {
    const claims = await Promise.all([
      a.claimJobs({ owner: 'A', limit: 3, leaseMs: 60_000, now: T0 + 100 }),
      b.claimJobs({ owner: 'B', limit: 3, leaseMs: 60_000, now: T0 + 100 }),
    ])
    for (const c of claims) seen.push(...c.map((j) => j.id))
  }
  t.equal(seen.length, 20, 'every job claimed once')
  t.equal(new Set(seen).size, 20, 'no job claimed twice')
})

t.test('a path that cannot be opened is a clear error', async (t) => {
  const dir = t.testdir({ 'a-dir': {} })
  t.throws(() => openSqliteStore(join(dir, 'a-dir')), { code: 'TAGRELAY_STORE_OPEN_FAILED' })
  t.throws(() => openSqliteStore(':memory:', { synchronous: 'OFF' as 'FULL' }), { code: 'TAGRELAY_CONFIG_INVALID' })
})
