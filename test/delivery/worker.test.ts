import { join } from 'node:path'
import t from 'tap'
import { DeliveryWorker, retryDelay, type WorkerOptions } from '../../src/delivery/index.js'
import { HighLevelClient, type LocationAuth } from '../../src/highlevel/index.js'
import { createLogger } from '../../src/log.js'
import { openStore, type NewJob, type Store } from '../../src/store/index.js'
import { captureLogs, HL_TOKEN, LOCATION_ID, tempDir, testSandbox } from '../helpers/build.js'
import { systemClock } from '../../src/common/clock.js'
import { until } from './engine-helpers.js'
import { deliveryDefaults, hours } from '../helpers/delivery.js'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

async function setup(t: Tap, baseUrl?: string, token = HL_TOKEN, extra: Partial<WorkerOptions> = {}) {
  const sandbox = await testSandbox(t)
  const store = await openStore({ url: `sqlite:${join(tempDir(t), 'w.db')}` })
  const client = new HighLevelClient({ baseUrl: baseUrl ?? sandbox.url, timeoutMs: 1000 })
  const logs = captureLogs()
  const locations = new Map<string, LocationAuth>([['main', { locationId: LOCATION_ID, accessToken: () => token }]])
  // the worker's clock runs ahead when the test says so (retry and not-found times pass
  // without waiting), or stands still at a time the test chose
  let ahead = 0
  let frozen: number | null = null
  const pass = (ms: number) => void (ahead += ms)
  const freeze = (at: number) => void (frozen = at)
  const worker = new DeliveryWorker({
    ...deliveryDefaults(),
    clock: { ...systemClock, now: () => (frozen ?? Date.now()) + ahead },
    store,
    client,
    locations,
    logger: createLogger({ level: 'debug', stream: logs.stream }),
    batchSize: 10,
    pollIntervalMs: 20,
    leaseMs: 5000,
    backoff: { baseMs: 1, maxMs: 5 },
    ...extra,
  })
  t.teardown(async () => {
    await client.close()
    await store.close()
  })
  return { sandbox, store, worker, logs, pass, freeze }
}

let n = 0
async function accept(store: Store, job: Partial<NewJob>, receivedAt = Date.now() - 1): Promise<string> {
  const id = `evt-${++n}`
  await store.intake.accept(
    { id, source: 'forms', receivedAt, headers: {}, body: {}, tags: job.add ?? [], explain: null },
    [{ location: 'main', contact: {}, add: ['lead'], remove: [], rules: ['r'], ...job }],
  )
  return id
}

t.test('an email job is resolved through duplicate search and its tags added', async (t) => {
  const { sandbox, store, worker, logs } = await setup(t)
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, email: 'ada@example.com', tags: ['existing'] })
  const eventId = await accept(store, { contact: { email: 'ada@example.com' }, add: ['lead', 'webinar'] })
  t.equal(await worker.runOnce(), 1)
  t.same(sandbox.getContact(contact.id)?.tags.sort(), ['existing', 'lead', 'webinar'])
  const [job] = await store.housekeeping.listJobs({ eventId })
  t.match(job, { status: 'done', attempts: 1, contactId: contact.id })
  t.ok(
    logs.lines().some((l) => l.msg === 'tags applied' && l.eventId === eventId),
    'the delivery line carries the event id',
  )
  t.notOk(logs.text().includes(HL_TOKEN), 'the HighLevel token is never logged')
})

t.test('a job with a contact id skips the lookup', async (t) => {
  const { sandbox, store, worker } = await setup(t)
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, email: 'b@example.com' })
  await accept(store, { contact: { id: contact.id }, add: ['vip'] })
  await worker.runOnce()
  t.same(sandbox.getContact(contact.id)?.tags, ['vip'])
  t.equal((sandbox.calls['GET /contacts/search/duplicate'] ?? 0) + (sandbox.calls['POST /contacts/search'] ?? 0), 0)
})

t.test('an unknown email is looked for again until contactNotFoundRetryHours, then dead with the reason', async (t) => {
  const { store, worker, pass, freeze } = await setup(t, undefined, HL_TOKEN, { contactNotFoundRetryHours: hours(300) })
  const receivedAt = Date.now() - 1
  freeze(receivedAt) // the window counts from the job's arrival: time stands there until the test moves it
  const eventId = await accept(store, { contact: { email: 'nobody@example.com' } }, receivedAt)
  await worker.runOnce()
  let [job] = await store.housekeeping.listJobs({ eventId })
  t.equal(job?.status, 'pending', 'not found is not final at once')
  t.match(job?.lastError, /TAGRELAY_CONTACT_NOT_FOUND: no HighLevel contact with email nobody@example.com/)
  pass(299)
  await worker.runOnce()
  ;[job] = await store.housekeeping.listJobs({ eventId })
  t.equal(job?.status, 'pending', 'still looked for just before the window ends')
  // the window is over; the retry it was given may lie up to its jitter (backoff maxMs, 5) later
  pass(5)
  await worker.runOnce()
  ;[job] = await store.housekeeping.listJobs({ eventId })
  t.equal(job?.status, 'dead', 'dead once the window is over')
  t.match(job?.lastError, /email nobody@example.com .*looked for since .*add create: to the rule/)
})

t.test('a contact created in HighLevel during the not-found window gets its tags', async (t) => {
  const { sandbox, store, worker, pass } = await setup(t)
  const eventId = await accept(store, { contact: { email: 'later@example.com' }, add: ['lead'] })
  await worker.runOnce()
  t.equal((await store.housekeeping.listJobs({ eventId }))[0]?.status, 'pending')
  const made = sandbox.seedContact({ locationId: LOCATION_ID, email: 'later@example.com' })
  pass(10) // past the retry's backoff (at most 5 ms)
  await worker.runOnce()
  t.equal((await store.housekeeping.listJobs({ eventId }))[0]?.status, 'done')
  t.same(sandbox.getContact(made.id)?.tags, ['lead'])
})

t.test('a contact id HighLevel does not know is a permanent failure', async (t) => {
  const { store, worker } = await setup(t)
  const eventId = await accept(store, { contact: { id: 'doesNotExist00000000' } })
  await worker.runOnce()
  const [job] = await store.housekeeping.listJobs({ eventId })
  t.equal(job?.status, 'dead')
  t.match(job?.lastError, /TAGRELAY_HL_BAD_REQUEST/)
})

t.test('a 5xx leaves the job pending with its attempt count and error, and a later run delivers it', async (t) => {
  const { sandbox, store, worker, pass } = await setup(t)
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, email: 'c@example.com' })
  const eventId = await accept(store, { contact: { id: contact.id } })
  sandbox.failNext(503)
  await worker.runOnce()
  let [job] = await store.housekeeping.listJobs({ eventId })
  t.match(job, { status: 'pending', attempts: 1, lastError: /TAGRELAY_HL_SERVER_ERROR/ })
  t.same(sandbox.getContact(contact.id)?.tags, [])
  pass(10) // past the retry's backoff (at most 5 ms)
  await worker.runOnce()
  ;[job] = await store.housekeeping.listJobs({ eventId })
  t.match(job, { status: 'done', attempts: 2 })
  t.same(sandbox.getContact(contact.id)?.tags, ['lead'])
})

t.test('HighLevel unreachable: the job stays pending with a network error', async (t) => {
  const { store, worker } = await setup(t, 'http://127.0.0.1:9')
  const eventId = await accept(store, { contact: { id: 'abc' } })
  await worker.runOnce()
  const [job] = await store.housekeeping.listJobs({ eventId })
  t.match(job, { status: 'pending', attempts: 1, lastError: /TAGRELAY_HL_NETWORK/ })
})

t.test('a rejected token is retried, not dropped', async (t) => {
  const { store, worker } = await setup(t, undefined, 'pit-revoked-token')
  const eventId = await accept(store, { contact: { id: 'abc' } })
  await worker.runOnce()
  const [job] = await store.housekeeping.listJobs({ eventId })
  t.match(job, { status: 'pending', attempts: 1, lastError: /TAGRELAY_HL_UNAUTHORIZED/ })
})

t.test('the worker loop delivers on wake and stop releases nothing it finished', async (t) => {
  const { sandbox, store, worker } = await setup(t)
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, email: 'd@example.com' })
  worker.start()
  const eventId = await accept(store, { contact: { email: 'd@example.com' } })
  worker.wake()
  t.ok(await until(async () => (await store.housekeeping.countJobs('pending')) === 0), 'delivered after the wake')
  await worker.stop(1000)
  t.same(sandbox.getContact(contact.id)?.tags, ['lead'])
  t.equal((await store.housekeeping.listJobs({ eventId }))[0]?.status, 'done')
})

t.test('retryDelay: full jitter under an exponential ceiling, Retry-After as a floor', async (t) => {
  const policy = { baseMs: 1000, maxMs: 60_000 }
  t.equal(
    retryDelay(0, policy, null, () => 1),
    1000,
  )
  t.equal(
    retryDelay(3, policy, null, () => 1),
    8000,
  )
  t.equal(
    retryDelay(20, policy, null, () => 1),
    60_000,
    'capped',
  )
  t.equal(
    retryDelay(3, policy, null, () => 0),
    0,
    'jitter reaches zero',
  )
  t.equal(
    retryDelay(0, policy, 5000, () => 0.5),
    5000,
    'Retry-After wins when longer',
  )
})

t.test('a phone-only job is found by duplicate search on the number', async (t) => {
  const { sandbox, store, worker } = await setup(t)
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, phone: '+14155550123' })
  const eventId = await accept(store, { contact: { phone: '+14155550123' }, add: ['sms-optin'] })
  await worker.runOnce()
  t.match((await store.housekeeping.listJobs({ eventId }))[0], { status: 'done', contactId: contact.id })
  t.same(sandbox.getContact(contact.id)?.tags, ['sms-optin'])
})

t.test('email first, then phone: a job with both finds the contact by phone when the email is unknown', async (t) => {
  const { sandbox, store, worker } = await setup(t)
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, phone: '+14155550199', email: 'old@example.com' })
  await accept(store, { contact: { email: 'new@example.com', phone: '+14155550199' } })
  await worker.runOnce()
  t.same(sandbox.getContact(contact.id)?.tags, ['lead'])
})

t.test('a missing contact is created through upsert when the rule asks, and tagged through add-tags', async (t) => {
  const { sandbox, store, worker } = await setup(t)
  const eventId = await accept(store, {
    contact: { email: 'fresh@example.com' },
    create: { firstName: 'Fresh', lastName: 'Lead' },
    add: ['new-lead'],
  })
  await worker.runOnce()
  const created = sandbox.findByEmail(LOCATION_ID, 'fresh@example.com')
  t.ok(created, 'the contact now exists')
  t.equal(created?.firstName, 'Fresh')
  t.same(created?.tags, ['new-lead'])
  t.equal(sandbox.calls['POST /contacts/upsert'], 1)
  t.match((await store.housekeeping.listJobs({ eventId }))[0], { status: 'done', contactId: created?.id })
})

t.test('untag removes the tags from the contact', async (t) => {
  const { sandbox, store, worker } = await setup(t)
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, email: 'u@example.com', tags: ['trial', 'lead'] })
  await accept(store, { contact: { email: 'u@example.com' }, add: ['customer'], remove: ['trial'] })
  await worker.runOnce()
  t.same(sandbox.getContact(contact.id)?.tags.sort(), ['customer', 'lead'])
})

t.test('without create, a contact found by neither email nor phone is a dead letter naming both', async (t) => {
  const { store, worker } = await setup(t, undefined, HL_TOKEN, { contactNotFoundRetryHours: 0 })
  const eventId = await accept(store, { contact: { email: 'ghost@example.com', phone: '+14155550100' } })
  await worker.runOnce()
  const [job] = await store.housekeeping.listJobs({ eventId })
  t.equal(job?.status, 'dead')
  t.match(job?.lastError, /email ghost@example.com or phone \+14155550100/)
})
