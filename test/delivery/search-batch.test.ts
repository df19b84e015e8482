import t from 'tap'
import { HighLevelClient } from '../../src/highlevel/index.js'
import { acceptJobs, auths, engineSetup, LOC_A } from './engine-helpers.js'

const SEARCH = 'POST /contacts/search'
const DUPLICATE = 'GET /contacts/search/duplicate'
const UPSERT = 'POST /contacts/upsert'

t.test('a round finds its people with batched searches, not one lookup each', async (t) => {
  const { sandbox, store, worker } = await engineSetup(t)
  const people = Array.from({ length: 120 }, (_, i) => `p${i}@example.com`)
  for (const email of people) sandbox.seedContact({ locationId: LOC_A, email })
  // two events per person, emails in mixed case
  for (const [i, email] of [...people, ...people.map((e) => e.toUpperCase())].entries()) {
    await acceptJobs(store, { contact: { email }, add: [i < people.length ? 'first' : 'second'] })
  }
  const w = worker({ batchSize: 1000, searchBatchSize: 50 })
  await w.runOnce()
  t.equal(sandbox.calls[SEARCH], 3, '120 people in OR groups of 50: 3 searches')
  t.equal(sandbox.calls[DUPLICATE] ?? 0, 0, 'no duplicate search: everyone was found')
  t.equal(await store.housekeeping.countJobs('done'), 240)
  for (const email of people) t.same(sandbox.findByEmail(LOC_A, email)?.tags.sort(), ['first', 'second'])
})

t.test('whom search misses is confirmed with the duplicate search before it is created', async (t) => {
  // search sees changes a sandbox minute late: a contact another tool just made is not in it
  const { sandbox, store, worker } = await engineSetup(t, { searchIndexDelayMs: 60_000 })
  const other = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => other.close())
  const { contact: justMade } = await other.upsertContact(auths.get('a')!, { email: 'fresh@example.com' })
  sandbox.seedContact({ locationId: LOC_A, email: 'old@example.com' })
  const create = { firstName: 'New' }
  await acceptJobs(store, { contact: { email: 'fresh@example.com' }, add: ['a'], create })
  await acceptJobs(store, { contact: { email: 'old@example.com' }, add: ['b'], create })
  await acceptJobs(store, { contact: { email: 'brand-new@example.com' }, add: ['c'], create })
  sandbox.resetCalls()
  await worker({ searchBatchSize: 50 }).runOnce()
  t.equal(sandbox.calls[SEARCH], 1)
  t.equal(sandbox.calls[DUPLICATE], 2, 'the two people search missed were confirmed')
  t.equal(sandbox.calls[UPSERT], 1, 'only the one who really does not exist was created')
  t.same(sandbox.getContact(justMade.id)?.tags, ['a'], 'the contact made moments ago got its tag: no duplicate')
  t.equal(sandbox.listContacts(LOC_A).filter((c) => c.email === 'fresh@example.com').length, 1)
  t.same(sandbox.findByEmail(LOC_A, 'brand-new@example.com')?.tags, ['c'])

  // the created contact is cached: the next events for it search nothing
  await acceptJobs(store, { contact: { email: 'brand-new@example.com' }, add: ['d'] })
  sandbox.resetCalls()
  await worker({ searchBatchSize: 50 }).runOnce()
  t.equal((sandbox.calls[SEARCH] ?? 0) + (sandbox.calls[DUPLICATE] ?? 0), 0, 'taken from the cache')
})

t.test('a location that refuses Search Contacts falls back to duplicate searches and says so', async (t) => {
  const { sandbox, store, worker, logs } = await engineSetup(t)
  sandbox.seedContact({ locationId: LOC_A, email: 'a@example.com' })
  sandbox.seedContact({ locationId: LOC_A, email: 'b@example.com' })
  await acceptJobs(store, { contact: { email: 'a@example.com' }, add: ['x'] })
  sandbox.failNext(403, 1, { statusCode: 403, message: 'The token is not authorized for this scope.' })
  const w = worker({ searchBatchSize: 50 })
  await w.runOnce()
  t.same(sandbox.findByEmail(LOC_A, 'a@example.com')?.tags, ['x'], 'delivered through the duplicate search')
  t.same(w.status().searchRefused, [LOC_A])
  t.match(logs.text(), /Search Contacts refused/)
  await acceptJobs(store, { contact: { email: 'b@example.com' }, add: ['y'] })
  sandbox.resetCalls()
  await w.runOnce()
  t.equal(sandbox.calls[SEARCH] ?? 0, 0, 'not asked again')
  t.same(sandbox.findByEmail(LOC_A, 'b@example.com')?.tags, ['y'])
})
