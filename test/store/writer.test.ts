import Database from 'better-sqlite3'
import t from 'tap'
import { openStore } from '../../src/store/index.js'
import { event, job } from './fixtures.js'

t.test('accepts commit on the writer thread: durable, visible to this connection, errors keep their code', async (t) => {
  const dir = t.testdir({})
  const store = await openStore(`sqlite:${dir}/db.sqlite`)
  t.teardown(() => store.close())
  const e = event({ explain: { rulesVersion: 'v1', trace: [{ rule: 'a', matched: true, tags: ['x'] }] } })
  await store.accept(e, [job()])
  t.same((await store.getEvent(e.id))?.explain, e.explain, 'the trace reads back as stored')
  const bad = await store.accept(event(), [job({ location: null as unknown as string })]).catch((err: unknown) => err)
  t.match(bad, { code: 'SQLITE_CONSTRAINT_NOTNULL' }, "SQLite's error code crosses the thread")
  const dup = await store.accept({ ...event(), id: e.id }, []).catch((err: unknown) => err)
  t.match(dup, { name: 'TagrelayError', code: 'TAGRELAY_STORE_DUPLICATE_EVENT', statusCode: 409 })

  const raw = new Database(`${dir}/db.sqlite`, { readonly: true })
  t.teardown(() => raw.close())
  const row = raw.prepare('SELECT "explain", explain_packed FROM events WHERE id = ?').get(e.id) as { explain: string; explain_packed: Buffer }
  t.equal(row.explain, '', 'the trace is not stored as text')
  t.ok(Buffer.isBuffer(row.explain_packed) && row.explain_packed.length > 0, 'it is stored compressed')
})

t.test('writerThread: false commits on the event loop with the same results', async (t) => {
  const dir = t.testdir({})
  const store = await openStore(`sqlite:${dir}/db.sqlite`, { sqlite: { writerThread: false } })
  t.teardown(() => store.close())
  const opts = { dedupe: { key: 'k', expiresAt: Date.now() + 60_000 } }
  const [first, second] = await Promise.all([store.accept(event(), [job()], opts), store.accept(event(), [job()], opts)])
  t.same(first, { duplicate: false })
  t.match(second, { duplicate: true })
  t.equal(await store.countJobs(), 1)
})

t.test('events stored before the trace was compressed still read back', async (t) => {
  const dir = t.testdir({})
  const path = `${dir}/db.sqlite`
  const store = await openStore(`sqlite:${path}`)
  t.teardown(() => store.close())
  const raw = new Database(path)
  raw.prepare(`INSERT INTO events (id, source, received_at, headers, body, tags, "explain") VALUES ('old-1', 'forms', 1, '{}', '{"a":1}', '["t"]', '{"trace":[]}')`).run()
  raw.close()
  t.same((await store.getEvent('old-1'))?.explain, { trace: [] })
})

t.test('a file the writer thread cannot open fails the store at start, naming the file', async (t) => {
  const dir = t.testdir({ 'not-a-db.sqlite': 'this is not a SQLite database, just text that is long enough to be read' })
  const err = await openStore(`sqlite:${dir}/not-a-db.sqlite`).catch((e: unknown) => e)
  t.match(err, { code: 'TAGRELAY_STORE_OPEN_FAILED', message: /not-a-db\.sqlite/ })
})
