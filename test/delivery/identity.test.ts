import t from 'tap'
import { acceptJobs, engineSetup, LOC_A } from './engine-helpers.js'
import { systemClock } from '../../src/common/clock.js'

t.test(
  'two rules, new contacts: one with create:, one lookup-only; every contact created once with both tags',
  async (t) => {
    const { sandbox, store, worker } = await engineSetup(t)
    for (let i = 0; i < 5; i++)
      await acceptJobs(
        store,
        {
          contact: { email: `shopper${i}@example.com`, phone: `+1415555010${i}` },
          add: ['customer'],
          rules: ['customer'],
          create: { firstName: `Ann${i}`, lastName: 'First' },
        },
        {
          contact: { email: `shopper${i}@example.com` },
          add: ['vip'],
          rules: ['vip'],
          create: { firstName: `Bea${i}` },
        },
      )
    await worker().runOnce()
    t.equal(await store.housekeeping.countJobs('dead'), 0, 'no dead letter')
    t.equal(await store.housekeeping.countJobs('done'), 10)
    const contacts = sandbox.listContacts(LOC_A)
    t.equal(contacts.length, 5, 'each shopper created once')
    for (const c of contacts) {
      t.same(c.tags.sort(), ['customer', 'vip'])
      t.match(c.firstName, /^Bea\d$/, 'a later rule wins per field')
      t.equal(c.fields.lastName, 'First', 'fields of earlier rules are kept')
    }
    t.equal(sandbox.calls['POST /contacts/upsert'], 5, 'one upsert per person, not per job')
  },
)

t.test('a job keeps the identity it was given apart from the id it resolved to', async (t) => {
  const { sandbox, store, worker } = await engineSetup(t)
  const c = sandbox.seedContact({ locationId: LOC_A, email: 'kept@example.com' })
  const eventId = await acceptJobs(store, { contact: { email: 'kept@example.com', phone: '+14155550199' } })
  await worker().runOnce()
  const [job] = await store.housekeeping.listJobs({ eventId })
  t.same(job?.contact, { email: 'kept@example.com', phone: '+14155550199' })
  t.equal(job?.contactId, c.id)
  t.equal(job?.status, 'done')
})

t.test(
  'a cached id HighLevel no longer has: the cache entry goes and the job resolves again, no attempt spent',
  async (t) => {
    const { sandbox, store, worker, logs } = await engineSetup(t)
    const old = sandbox.seedContact({ locationId: LOC_A, email: 'moved@example.com' })
    const w = worker()
    await acceptJobs(store, { contact: { email: 'moved@example.com' }, add: ['first'] })
    await w.runOnce()
    sandbox.deleteContact(old.id) // merged in HighLevel: the contact now lives under another id
    const merged = sandbox.seedContact({ locationId: LOC_A, email: 'moved@example.com', tags: ['first'] })
    const eventId = await acceptJobs(store, { contact: { email: 'moved@example.com' }, add: ['second'] })
    await w.runOnce()
    const [job] = await store.housekeeping.listJobs({ eventId })
    t.match(job, { status: 'done', attempts: 1, contactId: merged.id })
    t.same(sandbox.getContact(merged.id)?.tags.sort(), ['first', 'second'])
    t.same(
      await store.contacts.lookup('a', ['email:moved@example.com'], Date.now()),
      new Map([['email:moved@example.com', merged.id]]),
    )
    t.ok(logs.lines().some((l) => l.msg === 'HighLevel refused a cached contact id; resolving again'))
  },
)

t.test('a cached id deleted in HighLevel, with create: the contact is created again and tagged', async (t) => {
  const { sandbox, store, worker } = await engineSetup(t)
  const w = worker()
  await acceptJobs(store, { contact: { email: 'gone@example.com' }, add: ['a'], create: { firstName: 'G' } })
  await w.runOnce()
  const [first] = sandbox.listContacts(LOC_A)
  sandbox.deleteContact(first?.id as string)
  await acceptJobs(store, { contact: { email: 'gone@example.com' }, add: ['b'], create: { firstName: 'G' } })
  await w.runOnce()
  const now = sandbox.listContacts(LOC_A)
  t.equal(now.length, 1)
  t.same(now[0]?.tags, ['b'])
  t.equal(await store.housekeeping.countJobs('done'), 2)
})

t.test('replay resolves again from the identity, not from the id the job resolved to before', async (t) => {
  const { sandbox, store, worker } = await engineSetup(t)
  const old = sandbox.seedContact({ locationId: LOC_A, email: 'replay@example.com' })
  const w = worker()
  await store.contacts.remember('a', [{ key: 'email:replay@example.com', contactId: old.id }], Date.now() + 60_000)
  sandbox.failNext(422) // the tag call fails for good: dead, with the resolved id recorded
  const eventId = await acceptJobs(store, { contact: { email: 'replay@example.com' }, add: ['x'] })
  await w.runOnce()
  t.match((await store.housekeeping.listJobs({ eventId }))[0], { status: 'dead', contactId: old.id })
  sandbox.deleteContact(old.id)
  const fresh = sandbox.seedContact({ locationId: LOC_A, email: 'replay@example.com' })
  await store.deadLetters.replay('all', Date.now())
  await w.runOnce()
  t.match((await store.housekeeping.listJobs({ eventId }))[0], { status: 'done', contactId: fresh.id })
  t.same(sandbox.getContact(fresh.id)?.tags, ['x'])
})

t.test('email and phone cached for different contacts: email wins and the attempt records the conflict', async (t) => {
  const { sandbox, store, worker } = await engineSetup(t)
  const byEmail = sandbox.seedContact({ locationId: LOC_A, email: 'who@example.com' })
  const byPhone = sandbox.seedContact({ locationId: LOC_A, phone: '+14155550111' })
  await store.contacts.remember(
    'a',
    [
      { key: 'email:who@example.com', contactId: byEmail.id },
      { key: 'phone:+14155550111', contactId: byPhone.id },
    ],
    Date.now() + 60_000,
  )
  const eventId = await acceptJobs(store, { contact: { email: 'who@example.com', phone: '+14155550111' }, add: ['t'] })
  await worker().runOnce()
  t.same(sandbox.getContact(byEmail.id)?.tags, ['t'])
  t.same(sandbox.getContact(byPhone.id)?.tags, [])
  const [attempt] = await store.trail.listAttempts(eventId)
  t.match(attempt?.response, {
    contactId: byEmail.id,
    conflict: { emailContactId: byEmail.id, phoneContactId: byPhone.id, winner: 'email' },
  })
})

t.test('an outage opens the circuit: held jobs keep their attempts, one probe, then the circuit closes', async (t) => {
  const { sandbox, store, worker, logs } = await engineSetup(t)
  const cs = Array.from({ length: 10 }, (_, i) =>
    sandbox.seedContact({ locationId: LOC_A, email: `o${i}@example.com` }),
  )
  for (const [i, c] of cs.entries()) await acceptJobs(store, { contact: { id: c.id }, add: [`only-${i}`] })
  sandbox.setFaults({ outage: { durationMs: 60_000, status: 503 } })
  let offset = 0 // the worker's clock: moved past probe times instead of sleeping through them
  const w = worker({
    inFlightPerLocation: 1,
    circuitBreaker: { failures: 3, probeBaseMs: 10_000, probeMaxMs: 20_000 },
    clock: { ...systemClock, now: () => Date.now() + offset },
  })
  await w.runOnce()
  const jobs = await store.housekeeping.listJobs()
  t.equal(jobs.filter((j) => j.attempts > 0).length, 3, 'only the calls that opened it spent attempts')
  t.equal(sandbox.calls.total, 3)
  t.ok(logs.lines().some((l) => l.msg === 'circuit opened: HighLevel keeps failing; deliveries held'))
  const status = w.status().locations.find((l) => l.locationId === LOC_A)
  t.match(status, { paused: true, circuitOpen: true, reason: /circuit open since/ })
  t.equal(await w.runOnce(), 0, 'nothing is claimed while the circuit is open')
  offset += 10_001
  t.equal(await w.runOnce(), 1, 'one probe job when the probe is due')
  t.equal(sandbox.calls.total, 4, 'the failed probe is one call')
  t.equal(await w.runOnce(), 0, 'open again, with a longer wait')
  sandbox.setFaults({})
  offset += 9_999
  t.equal(await w.runOnce(), 0, 'the second wait is longer than the first')
  offset += 10_002
  await w.runOnce()
  t.ok(logs.lines().some((l) => l.msg === 'circuit closed: HighLevel answers again; deliveries resume'))
  while ((await w.runOnce()) > 0);
  t.equal(await store.housekeeping.countJobs('done'), 10)
  t.ok(
    (await store.housekeeping.listJobs()).every((j) => j.attempts <= 3),
    'no job spent an attempt per failed poll',
  )
  t.same(w.status().locations.find((l) => l.locationId === LOC_A)?.circuitOpen, false)
})
