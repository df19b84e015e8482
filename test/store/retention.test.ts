import t from 'tap'
import { join } from 'node:path'
import { openStore, RetentionTimer } from '../../src/store/index.js'
import { runCli } from '../helpers/cli.js'
import { attempt, event, job } from './fixtures.js'
import { postgresForTests } from './helpers/postgres.js'
import { ManualClock } from '../helpers/manual-clock.js'
import { completeJob } from './helpers/complete-job.js'

t.test('the retention timer prunes at start and then periodically, and stops cleanly', async (t) => {
  const store = await openStore({ url: 'sqlite::memory:' })
  t.teardown(() => store.close())
  const clock = new ManualClock(Date.now())
  const old = clock.now() - 10_000
  await store.intake.accept(event({ receivedAt: old }), [job()])
  const [j] = await store.jobs.claim({ owner: 'A', limit: 1, leaseMs: 1000, now: clock.now() })
  await completeJob(store, j!.id, 'A', attempt())
  const pruned: number[] = []
  const prunedNow = () => new Promise<void>((r) => (onPruned = r))
  let onPruned = (): void => {}
  const timer = new RetentionTimer({
    store: store.housekeeping,
    maxAgeMs: 5000,
    everyMs: 30,
    onError: (e) => t.fail(String(e)),
    onPruned: (n) => {
      pruned.push(n)
      onPruned()
    },
    clock,
  })
  let first = prunedNow()
  timer.start()
  await first
  t.equal(await store.housekeeping.countEvents(), 0, 'pruned at start')
  await store.intake.accept(event({ receivedAt: clock.now() - 10_000 }), [])
  await clock.advance(29)
  t.same(pruned, [1], 'not again before everyMs')
  first = prunedNow()
  await clock.advance(1)
  await first
  first = prunedNow()
  await clock.advance(30)
  await first
  await timer.stop()
  t.equal(clock.sleeping, 0, 'stop ends the timer')
  t.equal(await store.housekeeping.countEvents(), 0, 'pruned again by the timer')
  t.same(pruned, [1, 1, 0], 'at start, then every 30 ms of the clock')
})

t.test('a failing prune is reported, not thrown', async (t) => {
  const store = await openStore({ url: 'sqlite::memory:' })
  await store.close()
  const errors: unknown[] = []
  const timer = new RetentionTimer({
    store: store.housekeeping,
    maxAgeMs: 1,
    everyMs: 1000,
    onError: (e) => errors.push(e),
  })
  timer.start()
  await timer.stop()
  t.equal(errors.length, 1)
})

t.test('synchronous: FULL by default, NORMAL on request', async (t) => {
  const dir = t.testdir({})
  const { openDatabase } = await import('../../src/store/sqlite/open.js')
  const full = openDatabase(join(dir, 'a.db'))
  const normal = openDatabase(join(dir, 'b.db'), { synchronous: 'NORMAL' })
  t.teardown(() => {
    full.close()
    normal.close()
  })
  t.equal(full.pragma('synchronous', { simple: true }), 2, 'FULL')
  t.equal(normal.pragma('synchronous', { simple: true }), 1, 'NORMAL')
})

t.test('tagrelay migrate on PostgreSQL', async (t) => {
  const url = await postgresForTests(t)
  if (!url) return
  const { freshSchema } = await import('./helpers/postgres.js')
  const schema = freshSchema(t, url)
  const dir = t.testdir({
    'tagrelay.yaml': `store: { url: "${url}", postgres: { schema: ${schema} } }\nhighlevel: { locations: { main: { locationId: L, auth: { type: private-integration, token: pit-x } } } }\n`,
  })
  const res = runCli(['migrate', '--config', join(dir, 'tagrelay.yaml')])
  t.equal(res.status, 0, res.stderr)
  t.match(res.stdout, `migrations applied (postgres, schema ${schema})`)
  const store = await openStore({ url, postgres: { schema }, migrate: false })
  t.teardown(() => store.close())
  t.equal(await store.housekeeping.countEvents(), 0, 'the schema is ready for replicas started with migrate: false')
})
