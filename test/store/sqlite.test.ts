import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { openStore } from '../../src/store/index.js'
import { appliedVersions, sqliteMigrationTarget } from '../../src/store/sqlite/migrate.js'
import { latestVersion, migrations } from '../../src/store/migrations/index.js'
import { migrate as runMigrations, type MigrationTarget } from '../../src/store/migrations/run.js'
import { openSqliteStore } from '../../src/store/sqlite/store.js'
import { storeContract } from './contract.js'
import { attempt, event, job, T0 } from './fixtures.js'
import { completeJob } from './helpers/complete-job.js'

const dir = t.testdir({})
let n = 0
const dbPath = (): string => join(dir, `db-${++n}`, 'tagrelay.db')

t.test('contract (file)', async (t) => {
  storeContract(t, () => openStore({ url: `sqlite:${dbPath()}` }))
})

t.test('contract (:memory:)', async (t) => {
  storeContract(t, () => openStore({ url: 'sqlite::memory:' }))
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
  await t.rejects(store.housekeeping.countEvents(), { code: 'TAGRELAY_STORE_NOT_MIGRATED' })
})

t.test('migrations have increasing versions and unique names', async (t) => {
  const versions = migrations.map((m) => m.version)
  t.same(
    versions,
    [...versions].sort((a, b) => a - b),
  )
  t.equal(new Set(versions).size, migrations.length)
  t.equal(new Set(migrations.map((m) => m.name)).size, migrations.length)
  t.equal(latestVersion, Math.max(...versions))
})

const migrate = (db: Database.Database, list?: Parameters<typeof runMigrations>[1]): Promise<void> =>
  runMigrations(sqliteMigrationTarget(db) satisfies MigrationTarget, list)
const sqlOf = (sql: string) => () => sql

t.test('a gap in numbering is filled later: every unrecorded version is applied', async (t) => {
  const db = new Database(':memory:')
  t.teardown(() => db.close())
  const one = { version: 1, name: 'one', sql: sqlOf('CREATE TABLE one (x INTEGER)') }
  const three = { version: 3, name: 'three', sql: sqlOf('CREATE TABLE three (x INTEGER)') }
  await migrate(db, [one, three])
  t.same(appliedVersions(db), [1, 3])
  await migrate(db, [one, { version: 2, name: 'two', sql: sqlOf('CREATE TABLE two (x INTEGER)') }, three])
  t.same(appliedVersions(db), [1, 2, 3], 'version 2 applied although 3 already was')
  t.ok(db.prepare("SELECT name FROM sqlite_master WHERE name = 'two'").get())
})

t.test('migrate twice records each version once', async (t) => {
  const db = new Database(':memory:')
  t.teardown(() => db.close())
  await migrate(db)
  await migrate(db)
  t.same(
    appliedVersions(db),
    migrations.filter((m) => m.only !== 'postgres').map((m) => m.version),
  )
})

t.test('a failing migration rolls back and keeps the earlier ones', async (t) => {
  const db = new Database(':memory:')
  t.teardown(() => db.close())
  const list = [
    { version: 1, name: 'one', sql: sqlOf('CREATE TABLE one (x INTEGER)') },
    { version: 2, name: 'two', sql: sqlOf('CREATE TABLE two (x INTEGER); SELECT * FROM missing') },
  ]
  await t.rejects(migrate(db, list))
  t.same(appliedVersions(db), [1])
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all()
  t.notOk(
    tables.some((r) => r.name === 'two'),
    'table of the failed migration rolled back',
  )
  await migrate(db, [list[0]!, { version: 2, name: 'two', sql: sqlOf('CREATE TABLE two (x INTEGER)') }])
  t.same(appliedVersions(db), [1, 2], 'resumes after a fix')
})

t.test('a database with a newer schema is refused', async (t) => {
  const path = dbPath()
  await (await openStore({ url: `sqlite:${path}` })).close()
  const raw = new Database(path)
  raw
    .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
    .run(latestVersion + 1, 'future', 0)
  raw.close()
  await t.rejects(openStore({ url: `sqlite:${path}` }), {
    code: 'TAGRELAY_STORE_SCHEMA_TOO_NEW',
    message: new RegExp(`version ${latestVersion + 1}`),
  })
})

t.test('data survives close and reopen', async (t) => {
  const path = dbPath()
  const e = event()
  let store = await openStore({ url: `sqlite:${path}` })
  await store.intake.accept(e, [job(), job()])
  const [j] = await store.jobs.claim({ owner: 'A', limit: 1, leaseMs: 1000, now: T0 })
  await completeJob(store, j!.id, 'A', attempt({ contactId: 'c1' }))
  await store.close()

  store = await openStore({ url: `sqlite:${path}` })
  t.teardown(() => store.close())
  const got = await store.trail.getEvent(e.id)
  t.equal(got?.body && JSON.stringify(got.body), JSON.stringify(e.body))
  t.match(got?.jobs, [{ status: 'done', contactId: 'c1' }, { status: 'pending' }])
  t.equal(await store.housekeeping.countJobs('done'), 1)
})

t.test('attempt rows record every attempt', async (t) => {
  const path = dbPath()
  const store = await openStore({ url: `sqlite:${path}` })
  t.teardown(() => store.close())
  await store.intake.accept(event(), [job()])
  let [j] = await store.jobs.claim({ owner: 'A', limit: 1, leaseMs: 1000, now: T0 })
  await store.jobs.fail(j!.id, 'A', attempt({ outcome: 'retry', statusCode: 429, error: 'rate limited' }), T0 + 100)
  ;[j] = await store.jobs.claim({ owner: 'A', limit: 1, leaseMs: 1000, now: T0 + 100 })
  await completeJob(store, j!.id, 'B', attempt())
  await completeJob(store, j!.id, 'A', attempt({ contactId: 'c9', response: { tags: ['x'] } }))

  const raw = new Database(path, { readonly: true })
  t.teardown(() => raw.close())
  const rows = raw
    .prepare('SELECT job_id, attempt, outcome, status_code, error, contact_id, response FROM attempts ORDER BY id')
    .all()
  t.same(
    rows,
    [
      {
        job_id: j!.id,
        attempt: 1,
        outcome: 'retry',
        status_code: 429,
        error: 'rate limited',
        contact_id: null,
        response: null,
      },
      {
        job_id: j!.id,
        attempt: 2,
        outcome: 'done',
        status_code: 200,
        error: null,
        contact_id: 'c9',
        response: '{"tags":["x"]}',
      },
    ],
    'the lost-lease completion left no row',
  )
  t.match(await store.housekeeping.listJobs(), [{ attempts: 2, status: 'done' }])
})

t.test('a duplicate event id is a TagrelayError', async (t) => {
  const store = await openStore({ url: 'sqlite::memory:' })
  t.teardown(() => store.close())
  const e = event()
  await store.intake.accept(e, [])
  await t.rejects(store.intake.accept(e, []), { code: 'TAGRELAY_STORE_DUPLICATE_EVENT', statusCode: 409 })
})

t.test('two connections on one file never claim the same job', async (t) => {
  const path = dbPath()
  const a = await openStore({ url: `sqlite:${path}` })
  const b = await openStore({ url: `sqlite:${path}` })
  t.teardown(async () => {
    await a.close()
    await b.close()
  })
  for (let i = 0; i < 10; i++) await a.intake.accept(event({ receivedAt: T0 + i }), [job(), job()])
  const seen: number[] = []
  for (let round = 0; round < 10; round++) {
    const claims = await Promise.all([
      a.jobs.claim({ owner: 'A', limit: 3, leaseMs: 60_000, now: T0 + 100 }),
      b.jobs.claim({ owner: 'B', limit: 3, leaseMs: 60_000, now: T0 + 100 }),
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

t.test('dedupe across two connections to one file: the second waits for the lock, then sees the key', async (t) => {
  const path = dbPath()
  const a = await openStore({ url: `sqlite:${path}` })
  const b = await openStore({ url: `sqlite:${path}` })
  t.teardown(async () => {
    await a.close()
    await b.close()
  })
  const opts = { dedupe: { key: 'delivery-1', expiresAt: T0 + 86_400_000 } }
  const results = await Promise.all([
    a.intake.accept(event(), [job()], opts),
    b.intake.accept(event(), [job()], opts),
    a.intake.accept(event(), [job()], opts),
    b.intake.accept(event(), [job()], opts),
  ])
  t.equal(results.filter((r) => !r.duplicate).length, 1)
  t.equal(await a.housekeeping.countEvents(), 1)
  t.equal(await b.housekeeping.countJobs(), 1)
})

t.test(
  'dedupe across processes: simultaneous accepts of one key on separate connections store one event',
  async (t) => {
    const { spawn } = await import('node:child_process')
    const { fileURLToPath } = await import('node:url')
    const path = dbPath()
    const url = `sqlite:${path}`
    await (await openStore({ url })).close()
    // the compiled worker when the suite runs compiled, else the source under tsx
    const compiled = import.meta.url.endsWith('.js')
    const worker = fileURLToPath(new URL(`./helpers/accept-worker.${compiled ? 'js' : 'ts'}`, import.meta.url))
    // keep the children out of coverage: a second process's copy of src/ is not what the report counts
    const childEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(NODE_OPTIONS|NODE_V8_COVERAGE|_TAPJS_)/.test(k)),
    )
    // each child says `ready` with its connection open, and all are told `go` at once: a start
    // barrier, so the accepts race however slowly each process started
    const children = Array.from({ length: 4 }, (_, i) =>
      spawn(
        process.execPath,
        [...(compiled ? [] : ['--import', 'tsx']), worker, url, 'same-delivery', `evt_proc_${i}`],
        {
          env: childEnv,
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      ),
    )
    const outputs = children.map((child) => {
      let out = ''
      child.stdout.setEncoding('utf8')
      const ready = new Promise<void>((resolve) =>
        child.stdout.on('data', (chunk: string) => {
          out += chunk
          if (out.startsWith('ready\n')) resolve()
        }),
      )
      const done = new Promise<{ duplicate: boolean }>((resolve, reject) =>
        child.on('close', (code) =>
          code === 0
            ? resolve(JSON.parse(out.slice('ready\n'.length)) as { duplicate: boolean })
            : reject(new Error(`worker exit ${code}`)),
        ),
      )
      return { ready, done }
    })
    await Promise.all(outputs.map((o) => o.ready))
    for (const child of children) child.stdin.end('go\n')
    const answers = await Promise.all(outputs.map((o) => o.done))
    t.equal(answers.filter((r) => !r.duplicate).length, 1, 'one winner')
    const store = await openStore({ url })
    t.teardown(() => store.close())
    t.equal(await store.housekeeping.countEvents(), 1)
    t.equal(await store.housekeeping.countJobs(), 1)
  },
)

t.test('migration 10: a resolved contact id moves apart from the identity the job was given', async (t) => {
  const path = dbPath()
  const before = await openStore({ url: `sqlite:${path}` })
  await before.close()
  const db = new Database(path)
  // as an older build left it: the resolved id written over contact_id, beside the email
  // (migration 40's index on the column goes first; only 10 and 11 run again)
  db.exec('DROP INDEX jobs_resolved_contact_id; DROP TABLE event_reruns')
  db.exec('ALTER TABLE jobs DROP COLUMN resolved_contact_id')
  db.exec('DELETE FROM schema_migrations WHERE version IN (10, 11)')
  db.exec(
    `INSERT INTO events (id, source, received_at, headers, body, tags, "explain") VALUES ('e1', 's', 1, '{}', '{}', '[]', 'null')`,
  )
  const insert =
    db.prepare(`INSERT INTO jobs (event_id, location, contact_id, contact_email, add_tags, remove_tags, rules, run_at, created_at, updated_at)
    VALUES ('e1', 'main', ?, ?, '[]', '[]', '[]', 1, 1, 1)`)
  insert.run('resolvedId0000000001', 'a@example.com')
  insert.run('givenId0000000000001', null)
  db.close()
  const store = await openStore({ url: `sqlite:${path}` })
  t.teardown(() => store.close())
  const [resolved, given] = await store.housekeeping.listJobs({ eventId: 'e1' })
  t.same(resolved?.contact, { email: 'a@example.com' })
  t.equal(resolved?.contactId, 'resolvedId0000000001')
  t.same(given?.contact, { id: 'givenId0000000000001' })
  t.equal(given?.contactId, 'givenId0000000000001')
})
