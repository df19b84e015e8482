import t from 'tap'
import { coalesce, planCalls } from '../../src/delivery/index.js'
import { acceptJobs, engineSetup, LOC_A, LOC_B, until } from './engine-helpers.js'
import { completeJob } from '../store/helpers/complete-job.js'
import { systemClock } from '../../src/common/clock.js'
import { ManualClock } from '../helpers/manual-clock.js'
import { holds } from '../helpers/until.js'

/** lookups of any kind: batched searches and duplicate searches */
const lookups = (calls: Record<string, number>): number =>
  (calls['POST /contacts/search'] ?? 0) + (calls['GET /contacts/search/duplicate'] ?? 0)

t.test('coalescing: the last word on each tag wins, in order', async (t) => {
  t.same(
    coalesce([
      { add: ['a', 'b'], remove: [] },
      { add: [], remove: ['a'] },
    ]),
    { add: ['b'], remove: ['a'] },
  )
  t.same(
    coalesce([
      { add: [], remove: ['x'] },
      { add: ['x'], remove: [] },
    ]),
    { add: ['x'], remove: [] },
  )
  t.same(
    coalesce([
      { add: ['x'], remove: [] },
      { add: [], remove: ['X'] },
      { add: ['x'], remove: [] },
    ]),
    { add: ['x'], remove: [] },
  )
})

t.test('coalesced add/remove sequences for one contact end with the right tags, in one call each way', async (t) => {
  const { sandbox, store, worker } = await engineSetup(t)
  const c = sandbox.seedContact({ locationId: LOC_A, email: 'seq@example.com', tags: ['old', 'keep'] })
  await acceptJobs(store, { contact: { email: 'seq@example.com' }, add: ['a', 'b'], remove: ['old'] })
  await acceptJobs(store, { contact: { email: 'seq@example.com' }, add: ['old'], remove: ['a'] })
  await acceptJobs(store, { contact: { email: 'seq@example.com' }, add: ['a'], remove: ['b'] })
  await acceptJobs(store, { contact: { id: c.id }, add: ['c'], remove: [] })
  t.equal(await worker().runOnce(), 4)
  t.same([...(sandbox.getContact(c.id)?.tags ?? [])].sort(), ['a', 'c', 'keep', 'old'])
  t.equal(lookups(sandbox.calls), 1, 'one lookup for three events')
  t.equal(sandbox.calls['POST /contacts/:contactId/tags'], 1, 'one add call')
  t.equal(sandbox.calls['DELETE /contacts/:contactId/tags'], 1, 'one remove call')
  t.equal(await store.housekeeping.countJobs('done'), 4)
})

t.test('the contact cache: a second batch for the same email makes no lookup', async (t) => {
  const { sandbox, store, worker } = await engineSetup(t)
  const c = sandbox.seedContact({ locationId: LOC_A, email: 'cache@example.com' })
  const w = worker()
  await acceptJobs(store, { contact: { email: 'cache@example.com' }, add: ['one'] })
  await w.runOnce()
  await acceptJobs(store, { contact: { email: 'Cache@example.com' }, add: ['two'] })
  await w.runOnce()
  t.equal(lookups(sandbox.calls), 1)
  t.same(sandbox.getContact(c.id)?.tags, ['one', 'two'])
})

t.test(
  'bulk: contacts awaiting the same tags share one call; per-contact failures are retried singly, exactly those',
  async (t) => {
    const { sandbox, store, worker } = await engineSetup(t)
    const good = [1, 2, 3].map((i) => sandbox.seedContact({ locationId: LOC_A, email: `g${i}@example.com` }))
    const foreign = sandbox.seedContact({ locationId: LOC_B, email: 'foreign@example.com' })
    for (const c of good) await acceptJobs(store, { contact: { id: c.id }, add: ['webinar', 'lead'] })
    await acceptJobs(store, { contact: { id: foreign.id }, add: ['webinar', 'lead'] })
    await acceptJobs(store, { contact: { id: 'aaaaaaaaaaaaaaaaaaaa' }, add: ['webinar', 'lead'] })
    await worker().runOnce()
    t.equal(sandbox.calls['POST /contacts/bulk/tags/update/:type'], 1, 'one bulk call for five contacts')
    t.equal(sandbox.calls['POST /contacts/:contactId/tags'], 2, 'the two failed contacts retried singly, nobody else')
    for (const c of good) t.same([...(sandbox.getContact(c.id)?.tags ?? [])].sort(), ['lead', 'webinar'])
    const dead = await store.deadLetters.list()
    t.same(dead.map((j) => j.contact.id).sort(), [foreign.id, 'aaaaaaaaaaaaaaaaaaaa'].sort())
    t.equal(await store.housekeeping.countJobs('done'), 3)
  },
)

t.test('bulk planning: by tag set or tag by tag, whichever needs fewer calls', async (t) => {
  const overlapping = new Map([
    ['c1', ['lead', 'x1']],
    ['c2', ['lead', 'x2']],
    ['c3', ['lead', 'x3']],
    ['c4', ['lead']],
  ])
  t.equal(planCalls('add', overlapping, 100, true).length, 4, 'four distinct sets: 4 calls either way, sets win a tie')
  const shared = new Map(Array.from({ length: 250 }, (_, i) => [`c${i}`, i % 2 ? ['lead', 'a'] : ['a', 'lead']]))
  const plan = planCalls('add', shared, 100, true)
  t.equal(plan.length, 3, 'same set in any order: 250 contacts in 3 calls of up to 100')
  const subsets = [['a'], ['b'], ['c'], ['a', 'b'], ['a', 'c'], ['b', 'c'], ['a', 'b', 'c']]
  const tagwise = new Map(subsets.map((tags, i) => [`c${i}`, tags]))
  const byTag = planCalls('add', tagwise, 100, true)
  t.equal(byTag.length, 3, 'seven distinct sets of three tags: tag by tag needs 3 calls, not 7')
  t.same(
    byTag.map((c) => [c.tags, c.contactIds.length]),
    [
      [['a'], 4],
      [['b'], 4],
      [['c'], 4],
    ],
  )
  t.equal(planCalls('add', shared, 100, false).length, 250, 'without bulk: one call per contact')
})

t.test('a refused bulk endpoint makes the location fall back to single calls, and remember it', async (t) => {
  const { sandbox, store, worker } = await engineSetup(t)
  const cs = [1, 2].map((i) => sandbox.seedContact({ locationId: LOC_A, email: `fb${i}@example.com` }))
  for (const c of cs) await acceptJobs(store, { contact: { id: c.id }, add: ['x'] })
  sandbox.failNext(403)
  const w = worker()
  await w.runOnce()
  t.equal(sandbox.calls['POST /contacts/:contactId/tags'], 2)
  t.same(w.status().bulkRefused, [LOC_A])
  for (const c of cs) await acceptJobs(store, { contact: { id: c.id }, add: ['y'] })
  await w.runOnce()
  t.equal(sandbox.calls['POST /contacts/bulk/tags/update/:type'], 1, 'no second bulk attempt')
  t.equal(await store.housekeeping.countJobs('done'), 4)
})

t.test("a permanent error dead-letters at once, with HighLevel's response kept", async (t) => {
  const { store, worker } = await engineSetup(t)
  await acceptJobs(store, { contact: { id: 'bbbbbbbbbbbbbbbbbbbb' }, add: ['x'] })
  await worker().runOnce()
  const [dead] = await store.deadLetters.list()
  t.ok(dead, 'dead at the first attempt')
  t.equal(dead?.attempts, 1)
  const letter = await store.deadLetters.get(dead?.id as number)
  t.equal(letter?.attempts[0]?.statusCode, 400)
  t.match(letter?.attempts[0]?.response, { message: /not found/i })
  t.match(dead?.lastError, /TAGRELAY_HL_BAD_REQUEST/)
})

t.test('retries stop at maxAttempts: the job becomes a dead letter', async (t) => {
  const { sandbox, store, worker } = await engineSetup(t)
  const c = sandbox.seedContact({ locationId: LOC_A, email: 'r@example.com' })
  await acceptJobs(store, { contact: { id: c.id } })
  let ahead = 0 // the worker's clock moves past the retry's backoff (at most 5 ms) instead of sleeping
  const w = worker({ retryMaxAttempts: 2, clock: { ...systemClock, now: () => Date.now() + ahead } })
  sandbox.failNext(503, 2)
  await w.runOnce()
  t.equal(await store.housekeeping.countJobs('pending'), 1)
  ahead += 20
  await w.runOnce()
  t.equal(await store.housekeeping.countJobs('dead'), 1)
})

t.test('a 429 on one location pauses it and leaves the other location flowing', async (t) => {
  const { sandbox, store, worker } = await engineSetup(t, { limits: { burst: 3, intervalMs: 60_000 } })
  const a = sandbox.seedContact({ locationId: LOC_A, email: 'a@example.com' })
  const b = sandbox.seedContact({ locationId: LOC_B, email: 'b@example.com' })
  // Someone else spends location A's window: tagrelay's next call there gets a 429.
  for (let i = 0; i < 3; i++)
    await fetch(`${sandbox.url}/contacts/${a.id}`, {
      headers: { authorization: 'Bearer pit-token-location-a-0001', version: '2021-07-28' },
    })
  await acceptJobs(store, { location: 'a', contact: { id: a.id }, add: ['from-a'] })
  const w = worker()
  w.start()
  t.teardown(() => w.stop(100))
  t.ok(await until(() => w.status().locations.some((l) => l.locationId === LOC_A && l.paused)), 'location A paused')
  await acceptJobs(store, { location: 'b', contact: { id: b.id }, add: ['from-b'] })
  await acceptJobs(store, { location: 'b', contact: { id: b.id }, add: ['again-b'] })
  w.wake()
  t.ok(await until(() => (sandbox.getContact(b.id)?.tags.length ?? 0) === 2), 'location B delivered while A is paused')
  t.same(sandbox.getContact(a.id)?.tags, [], 'A not delivered yet')
  const statusA = w.status().locations.find((l) => l.locationId === LOC_A)
  t.match(statusA, { paused: true, reason: /429/, http429: 1 })
  t.ok(await until(async () => (await store.housekeeping.countJobs('done')) === 2), "B's jobs done")
  t.same(
    (await store.housekeeping.listJobs({ status: 'pending' })).map((j) => j.location),
    ['a'],
    "A's job still pending, not failed",
  )
})

t.test("lease expiry hands a crashed worker's job to another worker", async (t) => {
  const { sandbox, store, worker, openSecond } = await engineSetup(t)
  const c = sandbox.seedContact({ locationId: LOC_A, email: 'lease@example.com' })
  await acceptJobs(store, { contact: { id: c.id }, add: ['leased'] })
  const crashed = await openSecond()
  let now = Date.now() // the second worker's clock: stands still until the test moves it
  const claimed = await crashed.jobs.claim({ owner: 'crashed-worker', limit: 10, leaseMs: 300, now })
  t.equal(claimed.length, 1, 'the first worker holds it')
  const w = worker({ clock: { ...systemClock, now: () => now } })
  t.equal(await w.runOnce(), 0, 'a live lease keeps it from others')
  now += 299
  t.equal(await w.runOnce(), 0, 'still kept 1 ms before it ends')
  now += 1
  t.equal(await w.runOnce(), 1, 'after expiry another worker takes it')
  t.same(sandbox.getContact(c.id)?.tags, ['leased'])
  t.equal(
    await completeJob(crashed, claimed[0]?.id as number, 'crashed-worker', {
      startedAt: 0,
      finishedAt: 1,
      outcome: 'done',
    }),
    false,
    "the late worker's write is refused",
  )
})

t.test('leases are renewed while a slow round is in flight: a second worker cannot take its jobs', async (t) => {
  // the sandbox answers 700 ms late on the same manual clock: time moves only when the test says
  // (a minute ahead of the jobs' real-time run_at, so they are due)
  const clock = new ManualClock(Date.now() + 60_000)
  const { sandbox, store, worker, openSecond } = await engineSetup(t, { clock, faults: { latencyMs: 700 } })
  const c = sandbox.seedContact({ locationId: LOC_A, email: 'slow@example.com' })
  await acceptJobs(store, { contact: { id: c.id }, add: ['slow'] })
  const w = worker({ leaseMs: 300, clock })
  const round = w.runOnce()
  const other = await openSecond()
  const steal = () => other.jobs.claim({ owner: 'other', limit: 10, leaseMs: 1000, now: clock.now() })
  // parked: HighLevel's late answer and the renewal (every 100 ms); a sleep of the renewal
  // begins again only once its write is done (without renewal: one sleeper, a failure)
  const parked = () => holds(() => clock.sleeping === 2, 10_000)
  let waited = 0
  t.ok(await parked(), 'the answer and the renewal wait')
  while ((waited += 100) <= 600) {
    await clock.advance(100)
    if (!t.ok(await parked(), `renewed ${waited} ms in`)) break
    t.same(await steal(), [], `still leased ${waited} ms in, twice the first lease`)
  }
  await clock.advance(800 - waited)
  t.equal(await round, 1)
  t.equal(await store.housekeeping.countJobs('done'), 1)
})
