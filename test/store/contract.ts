import type { Store } from '../../src/store/index.js'
import { attempt, event, job, T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'
import { leaseContract } from './contract-leases.js'
import { oauthContract } from './contract-oauth.js'
import { dedupeContract } from './contract-dedupe.js'
import { contactContract } from './contract-contacts.js'
import { retentionContract } from './contract-retention.js'
import { trailContract } from './contract-trail.js'
import { deliveryContract } from './contract-delivery.js'
import { locationsContract } from './contract-locations.js'
import { opsContract } from './contract-ops.js'
import { securityContract } from './contract-security.js'
import { accessContract } from './contract-access.js'
import { orderContract } from './contract-order.js'
import { authFailuresContract } from './contract-auth-failures.js'

/**
 * Behaviour every `Store` implementation must show. `open` returns a fresh, migrated,
 * empty store each call, for the test it is given (which may give its place back when that
 * test ends); the suite closes what it opens.
 */
export function storeContract(t: Tap, open: (t: Tap) => Promise<Store>): void {
  const fresh = async (t: Tap): Promise<Store> => {
    const store = await open(t)
    t.teardown(() => store.close())
    return store
  }

  t.test('migrate twice is a no-op', async (t) => {
    const store = await fresh(t)
    const e = event()
    await store.intake.accept(e, [job()])
    await store.migrate()
    await store.migrate()
    t.equal(await store.housekeeping.countEvents(), 1)
    t.equal(await store.housekeeping.countJobs(), 1)
    t.ok(await store.trail.getEvent(e.id))
  })

  t.test('accept then getEvent round-trips everything', async (t) => {
    const store = await fresh(t)
    const e = event({ receivedAt: T0 + 5, body: null, explain: { nested: { list: [1, 'two', null, true] } } })
    const jobs = [
      job(),
      job({ location: 'other', contact: { id: 'c_given' }, add: ['a', 'b'], remove: ['old'], rules: ['r1', 'r2'] }),
      job({ contact: { id: 'c_both', email: 'both@example.com' }, add: [], rules: [] }),
    ]
    await store.intake.accept(e, jobs)
    const got = await store.trail.getEvent(e.id)
    if (!got) throw new Error('event not found')
    const { jobs: gotJobs, ...gotEvent } = got
    t.same(gotEvent, e)
    t.equal(gotJobs.length, 3)
    gotJobs.forEach((j, i) => {
      const want = jobs[i]!
      t.match(j, { eventId: e.id, status: 'pending', attempts: 0, lastError: null, runAt: e.receivedAt })
      t.same(
        { location: j.location, contact: j.contact, add: j.add, remove: j.remove, rules: j.rules },
        want,
        `job ${i} fields`,
      )
      t.equal(j.contactId, want.contact.id ?? null, `job ${i} contactId`)
      t.equal(typeof j.id, 'number')
    })
    t.ok(gotJobs[0]!.id < gotJobs[1]!.id && gotJobs[1]!.id < gotJobs[2]!.id, 'jobs in insertion order')
    t.equal(await store.trail.getEvent('nope'), undefined)
  })

  t.test('accept with no jobs stores the event', async (t) => {
    const store = await fresh(t)
    const e = event()
    await store.intake.accept(e, [])
    t.same((await store.trail.getEvent(e.id))?.jobs, [])
    t.equal(await store.housekeeping.countEvents(), 1)
  })

  t.test('accept is atomic', async (t) => {
    const store = await fresh(t)
    const bad = job({ location: null as unknown as string })
    const e = event()
    await t.rejects(store.intake.accept(e, [job(), bad]), 'a failing second job fails the accept')
    t.equal(await store.trail.getEvent(e.id), undefined, 'no event')
    t.equal(await store.housekeeping.countEvents(), 0)
    t.equal(await store.housekeeping.countJobs(), 0, 'not even the first job')

    const first = event()
    await store.intake.accept(first, [job()])
    await t.rejects(store.intake.accept({ ...event(), id: first.id }, [job(), job()]), 'duplicate event id')
    t.equal(await store.housekeeping.countEvents(), 1)
    t.equal(await store.housekeeping.countJobs(), 1, 'the duplicate added no jobs')
  })

  t.test('listJobs and counts filter', async (t) => {
    const store = await fresh(t)
    const a = event()
    const b = event()
    await store.intake.accept(a, [job(), job()])
    await store.intake.accept(b, [job()])
    t.equal((await store.housekeeping.listJobs()).length, 3)
    t.equal((await store.housekeeping.listJobs({ eventId: a.id })).length, 2)
    t.equal((await store.housekeeping.listJobs({ eventId: b.id, status: 'pending' })).length, 1)
    t.equal((await store.housekeeping.listJobs({ status: 'dead' })).length, 0)
    const [j] = await store.jobs.claim({ owner: 'w1', limit: 1, leaseMs: 1000, now: T0 })
    await store.jobs.fail(j!.id, 'w1', attempt({ outcome: 'dead', error: 'boom' }), null)
    t.same(
      (await store.housekeeping.listJobs({ status: 'dead' })).map((x) => x.id),
      [j!.id],
    )
    t.equal(await store.housekeeping.countEvents(), 2)
    t.equal(await store.housekeeping.countJobs(), 3)
    t.equal(await store.housekeeping.countJobs('pending'), 2)
    t.equal(await store.housekeeping.countJobs('dead'), 1)
    t.equal(await store.housekeeping.countJobs('done'), 0)
  })

  t.test('ping and close', async (t) => {
    const store = await open(t)
    await t.resolves(store.ping())
    await store.close()
    await t.resolves(store.close(), 'close is idempotent')
    await t.rejects(store.ping(), 'a closed store fails ping')
  })

  leaseContract(t, fresh)
  oauthContract(t, fresh)
  dedupeContract(t, fresh)
  contactContract(t, fresh)
  retentionContract(t, fresh)
  trailContract(t, fresh)
  deliveryContract(t, fresh)
  locationsContract(t, fresh)
  opsContract(t, fresh)
  securityContract(t, fresh)
  accessContract(t, fresh)
  orderContract(t, fresh)
  authFailuresContract(t, fresh)
}
