import Database from 'better-sqlite3'
import t from 'tap'
import { openStore } from '../../src/store/index.js'
import { event, job } from './fixtures.js'

t.test(
  'accepts commit on the writer thread: durable, visible to this connection, errors keep their code',
  async (t) => {
    const dir = t.testdir({})
    const store = await openStore({ url: `sqlite:${dir}/db.sqlite` })
    t.teardown(() => store.close())
    const e = event({ explain: { rulesVersion: 'v1', trace: [{ rule: 'a', matched: true, tags: ['x'] }] } })
    await store.intake.accept(e, [job()])
    t.same((await store.trail.getEvent(e.id))?.explain, e.explain, 'the trace reads back as stored')
    const bad = await store.intake
      .accept(event(), [job({ location: null as unknown as string })])
      .catch((err: unknown) => err)
    t.match(bad, { code: 'SQLITE_CONSTRAINT_NOTNULL' }, "SQLite's error code crosses the thread")
    const dup = await store.intake.accept({ ...event(), id: e.id }, []).catch((err: unknown) => err)
    t.match(dup, { name: 'TagrelayError', code: 'TAGRELAY_STORE_DUPLICATE_EVENT', statusCode: 409 })
  },
)

t.test('writerThread: false commits on the event loop with the same results', async (t) => {
  const dir = t.testdir({})
  const store = await openStore({ url: `sqlite:${dir}/db.sqlite`, sqlite: { writerThread: false } })
  t.teardown(() => store.close())
  const opts = { dedupe: { key: 'k', expiresAt: Date.now() + 60_000 } }
  const [first, second] = await Promise.all([
    store.intake.accept(event(), [job()], opts),
    store.intake.accept(event(), [job()], opts),
  ])
  t.same(first, { duplicate: false })
  t.match(second, { duplicate: true })
  t.equal(await store.housekeeping.countJobs(), 1)
})

t.test('a file the writer thread cannot open fails the store at start, naming the file', async (t) => {
  const dir = t.testdir({
    'not-a-db.sqlite': 'this is not a SQLite database, just text that is long enough to be read',
  })
  const err = await openStore({ url: `sqlite:${dir}/not-a-db.sqlite` }).catch((e: unknown) => e)
  t.match(err, { code: 'TAGRELAY_STORE_OPEN_FAILED', message: /not-a-db\.sqlite/ })
})

t.test('a commit waiting on the disk lock does not stall the event loop', async (t) => {
  const dir = t.testdir({})
  const store = await openStore({ url: `sqlite:${dir}/db.sqlite` })
  t.teardown(() => store.close())
  // another process holds the write lock (a backup, a second tagrelay): the commit must wait
  const other = new Database(`${dir}/db.sqlite`)
  other.exec('BEGIN IMMEDIATE')
  let settled = false
  const accepted = store.intake.accept(event(), [job()]).finally(() => (settled = true))
  // the event loop keeps turning while the writer waits: a stalled loop would run these
  // turns only after the commit (or its busy timeout), when the accept has settled
  let turns = 0
  while (turns < 200 && !settled) {
    await new Promise<void>((resolve) => setImmediate(resolve))
    turns++
  }
  t.equal(turns, 200, 'the event loop turned 200 times while the writer waited for the lock')
  t.notOk(settled, 'the accept is not answered before it has committed')
  other.exec('COMMIT')
  other.close()
  t.same(await accepted, { duplicate: false }, 'committed once the lock was free')
  t.equal(await store.housekeeping.countEvents(), 1)
})
