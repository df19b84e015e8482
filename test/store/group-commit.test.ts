import t from 'tap'
import { openStore } from '../../src/store/index.js'
import { GroupCommit } from '../../src/store/sqlite/group-commit.js'
import { event, job, T0 } from './fixtures.js'

t.test('concurrent submits share one batch, bounded in size, each answered with its own outcome', async (t) => {
  const batches: number[][] = []
  const gc = new GroupCommit<number, number>((items) => {
    batches.push(items)
    return items.map((i) =>
      i === 3 ? { ok: false as const, error: new Error('three') } : { ok: true as const, value: i * 10 },
    )
  }, 4)
  const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => gc.submit(i)))
  t.same(
    batches,
    [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ],
    'one turn, batches of at most 4, in arrival order',
  )
  t.match(results[3], { status: 'rejected', reason: { message: 'three' } })
  t.match(results[9], { status: 'fulfilled', value: 90 })
  await gc.submit(1)
  t.equal(batches.length, 4, 'a later turn is a new batch')
})

t.test('a batch that fails as a whole rejects every caller in it', async (t) => {
  const gc = new GroupCommit<number, number>(() => {
    throw new Error('disk full')
  })
  const results = await Promise.allSettled([gc.submit(1), gc.submit(2)])
  t.ok(results.every((r) => r.status === 'rejected'))
})

t.test('sqlite: one bad write in a batch fails alone; dedupe holds inside a batch', async (t) => {
  const dir = t.testdir({})
  const store = await openStore({ url: `sqlite:${dir}/db.sqlite` })
  t.teardown(() => store.close())
  const opts = { dedupe: { key: 'dup', expiresAt: T0 + 1000 } }
  const taken = event()
  await store.intake.accept(taken, [])
  const results = await Promise.allSettled([
    store.intake.accept(event(), [job()]),
    store.intake.accept({ ...event(), id: taken.id }, [job()]),
    store.intake.accept(event(), [job()], opts),
    store.intake.accept(event(), [job()], opts),
    store.intake.accept(event(), [job({ location: null as unknown as string })]),
    store.intake.accept(event(), [job()]),
  ])
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
  )
  t.match(results[1], { reason: { code: 'TAGRELAY_STORE_DUPLICATE_EVENT' } })
  t.match(results[3], { value: { duplicate: true } }, 'the second copy in the same batch is a duplicate')
  t.equal(await store.housekeeping.countEvents(), 4)
  t.equal(await store.housekeeping.countJobs(), 3, 'the failed writes left no jobs')
})

t.test('sqlite: close writes what is queued', async (t) => {
  const store = await openStore({ url: 'sqlite::memory:' })
  const pending = store.intake.accept(event(), [job()])
  await store.close()
  t.same(await pending, { duplicate: false })
})
