import { join } from 'node:path'
import t from 'tap'
import { DeliveryWorker } from '../../src/delivery/index.js'
import { HighLevelClient, type LocationAuth } from '../../src/highlevel/index.js'
import { createLogger } from '../../src/log.js'
import { openStore, type Store } from '../../src/store/index.js'
import { captureLogs, HL_TOKEN, LOCATION_ID, tempDir, testSandbox } from '../helpers/build.js'
import { systemClock } from '../../src/common/clock.js'
import { deliveryDefaults } from '../helpers/delivery.js'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

/**
 * "Failing since" across restarts: the start of a location's run of credential failures
 * is kept in the store, so a worker started again on the same SQLite file reports when
 * the failures began, not its own first failure.
 */
t.test('a restarted worker reports the original failingSince; a success ends the run for good', async (t) => {
  const sandbox = await testSandbox(t)
  const file = join(tempDir(t), 'auth.db')
  const T0 = Date.now()
  let at = T0
  let token = 'pit-revoked-token'
  const locations = new Map<string, LocationAuth>([['main', { locationId: LOCATION_ID, accessToken: () => token }]])
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, email: 'kim@example.com' })
  const opened: Array<{ store: Store; client: HighLevelClient }> = []
  t.teardown(async () => {
    for (const o of opened) {
      await o.client.close()
      await o.store.close().catch(() => {})
    }
  })
  // one process: a store on the file, a worker whose clock reads `at`, and what it wrote
  const boot = async () => {
    const store = await openStore({ url: `sqlite:${file}` })
    const client = new HighLevelClient({ baseUrl: sandbox.url, timeoutMs: 1000 })
    opened.push({ store, client })
    const writes: string[] = []
    const { record, clear } = store.authFailures
    store.authFailures.record = (f) => (writes.push(`record ${f.lastCode}`), record.call(store.authFailures, f))
    store.authFailures.clear = (id) => (writes.push('clear'), clear.call(store.authFailures, id))
    const worker = new DeliveryWorker({
      ...deliveryDefaults(),
      clock: { ...systemClock, now: () => at },
      store,
      client,
      locations,
      logger: createLogger({ level: 'debug', stream: captureLogs().stream }),
      batchSize: 10,
      pollIntervalMs: 20,
      leaseMs: 5000,
      backoff: { baseMs: 1, maxMs: 5 },
    })
    return { store, worker, writes }
  }
  const failing = (w: DeliveryWorker) => w.status().auth.map((a) => [a.locationId, a.failingSince, a.lastErrorCode])

  const first = await boot()
  const eventId = `evt-auth-${T0}`
  await first.store.intake.accept(
    { id: eventId, source: 'forms', receivedAt: T0 - 1000, headers: {}, body: {}, tags: ['lead'], explain: null },
    [{ location: 'main', contact: { email: 'kim@example.com' }, add: ['lead'], remove: [], rules: ['r'] }],
  )
  await first.worker.runOnce()
  at += 60_000 // past the retry's backoff: a second 401
  await first.worker.runOnce()
  t.same(failing(first.worker), [[LOCATION_ID, T0, 'TAGRELAY_HL_UNAUTHORIZED']], 'failing since the first 401')
  await first.worker.stop(100)
  t.same(first.writes, ['record TAGRELAY_HL_UNAUTHORIZED'], 'one write for the run, not one per failure')
  await first.store.close()

  // an hour later, a new process on the same file: the token is still bad
  at = T0 + 3_600_000
  const second = await boot()
  await second.worker.runOnce()
  const [job] = await second.store.housekeeping.listJobs({ eventId })
  t.match(job, { status: 'pending', attempts: 3, lastError: /TAGRELAY_HL_UNAUTHORIZED/ }, 'it did fail again')
  t.same(failing(second.worker), [[LOCATION_ID, T0, 'TAGRELAY_HL_UNAUTHORIZED']], 'still failing since the first 401')
  t.match(
    second.worker.status().locations.find((l) => l.locationId === LOCATION_ID),
    { authFailing: true, reason: `auth failing since ${new Date(T0).toISOString()}: TAGRELAY_HL_UNAUTHORIZED: ` },
    'the reason the admin API and console show names the original time',
  )
  t.same(second.writes, [], 'the run was already stored: nothing written')

  // the token is fixed: the job is delivered and the run ends, in memory and in the store
  token = HL_TOKEN
  at += 60_000
  await second.worker.runOnce()
  t.equal((await second.store.housekeeping.listJobs({ eventId }))[0]?.status, 'done')
  t.same(sandbox.getContact(contact.id)?.tags, ['lead'])
  t.same(failing(second.worker), [])
  await second.worker.stop(100)
  t.same(second.writes, ['clear'])
  t.same(await second.store.authFailures.list(), [])
  await second.store.close()

  // a third process starts clean, and its successes write nothing
  const third = await boot()
  const next = `evt-auth-${T0}-2`
  await third.store.intake.accept(
    { id: next, source: 'forms', receivedAt: at - 1000, headers: {}, body: {}, tags: ['lead'], explain: null },
    [{ location: 'main', contact: { email: 'kim@example.com' }, add: ['vip'], remove: [], rules: ['r'] }],
  )
  await third.worker.runOnce()
  t.equal((await third.store.housekeeping.listJobs({ eventId: next }))[0]?.status, 'done')
  t.same(failing(third.worker), [])
  await third.worker.stop(100)
  t.same(third.writes, [], 'a success with nothing stored writes nothing')
})

t.test('start() reads the stored runs before the first round', async (t: Tap) => {
  const file = join(tempDir(t), 'start.db')
  const store = await openStore({ url: `sqlite:${file}` })
  const client = new HighLevelClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 1000 })
  t.teardown(async () => {
    await client.close()
    await store.close()
  })
  const since = Date.parse('2026-05-01T10:00:00Z')
  await store.authFailures.record({
    locationId: LOCATION_ID,
    failingSince: since,
    lastCode: 'TAGRELAY_HL_OAUTH_REFRESH_FAILED',
    lastMessage: 'HighLevel refused the refresh token',
  })
  const worker = new DeliveryWorker({
    ...deliveryDefaults(),
    clock: { ...systemClock, now: () => since + 86_400_000 },
    store,
    client,
    locations: new Map(),
    logger: createLogger({ level: 'debug', stream: captureLogs().stream }),
    batchSize: 10,
    pollIntervalMs: 60_000,
    leaseMs: 5000,
    backoff: { baseMs: 1, maxMs: 5 },
  })
  worker.start()
  await worker.stop(100) // waits for the start to finish
  t.same(worker.status().auth, [
    {
      locationId: LOCATION_ID,
      failingSince: since,
      lastErrorCode: 'TAGRELAY_HL_OAUTH_REFRESH_FAILED',
      lastErrorMessage: 'HighLevel refused the refresh token',
      nextTryAt: null,
    },
  ])
})
