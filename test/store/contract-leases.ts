import type { Job, Store } from '../../src/store/index.js'
import { attempt, event, job, T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'
import { completeJob } from './helpers/complete-job.js'

const ids = (jobs: Job[]): number[] => jobs.map((j) => j.id)

/** The lease protocol: claim, complete, fail, release. Part of `storeContract`. */
export function leaseContract(t: Tap, fresh: (t: Tap) => Promise<Store>): void {
  /** Three events due at T0, T0+100, T0+200 (accepted newest first), one job each. */
  const seed = async (store: Store): Promise<Job[]> => {
    for (const at of [T0 + 200, T0, T0 + 100]) await store.intake.accept(event({ receivedAt: at }), [job()])
    return (await store.housekeeping.listJobs()).sort((a, b) => a.runAt - b.runAt)
  }

  t.test('claim returns due jobs only, oldest first, up to limit', async (t) => {
    const store = await fresh(t)
    const [a, b, c] = await seed(store)
    t.same(await store.jobs.claim({ owner: 'w1', limit: 10, leaseMs: 1000, now: T0 - 1 }), [], 'nothing due yet')
    const first = await store.jobs.claim({ owner: 'w1', limit: 10, leaseMs: 1000, now: T0 + 100 })
    t.same(ids(first), [a!.id, b!.id], 'due ones, oldest first')
    t.match(first[0], { status: 'pending', attempts: 0, eventId: a!.eventId, add: ['webinar-2026'] })
    const next = await store.jobs.claim({ owner: 'w1', limit: 1, leaseMs: 1000, now: T0 + 500 })
    t.same(ids(next), [c!.id], 'leased ones are skipped')
    t.same(await store.jobs.claim({ owner: 'w1', limit: 0, leaseMs: 1000, now: T0 + 500 }), [], 'limit 0')
  })

  t.test('limit is respected', async (t) => {
    const store = await fresh(t)
    const [a, b, c] = await seed(store)
    const now = T0 + 1000
    t.same(ids(await store.jobs.claim({ owner: 'w1', limit: 2, leaseMs: 1000, now })), [a!.id, b!.id])
    t.same(ids(await store.jobs.claim({ owner: 'w2', limit: 2, leaseMs: 1000, now })), [c!.id])
    t.same(await store.jobs.claim({ owner: 'w3', limit: 2, leaseMs: 1000, now }), [])
  })

  t.test('a lease keeps a job from other owners until it expires', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event(), [job()])
    const [j] = await store.jobs.claim({ owner: 'A', limit: 5, leaseMs: 1000, now: T0 })
    t.ok(j)
    t.same(await store.jobs.claim({ owner: 'B', limit: 5, leaseMs: 1000, now: T0 + 999 }), [], 'live lease')
    const taken = await store.jobs.claim({ owner: 'B', limit: 5, leaseMs: 1000, now: T0 + 1000 })
    t.same(ids(taken), [j!.id], 'expired lease: B gets the job (crashed worker recovery)')
    t.equal(await completeJob(store, j!.id, 'A', attempt()), false, 'A lost the lease')
    t.match(await store.housekeeping.listJobs(), [{ status: 'pending', attempts: 0 }])
    t.equal(await completeJob(store, j!.id, 'B', attempt()), true, 'B completes')
    t.match(await store.housekeeping.listJobs(), [{ status: 'done', attempts: 1, lastError: null }])
    t.equal(await completeJob(store, j!.id, 'B', attempt()), false, 'a done job cannot complete twice')
  })

  t.test('wrong owner changes nothing', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event(), [job(), job()])
    const [j] = await store.jobs.claim({ owner: 'A', limit: 1, leaseMs: 1000, now: T0 })
    const unclaimed = (await store.housekeeping.listJobs()).find((x) => x.id !== j!.id)
    const before = await store.housekeeping.listJobs()
    t.equal(await completeJob(store, j!.id, 'B', attempt()), false)
    t.equal(await store.jobs.fail(j!.id, 'B', attempt({ outcome: 'retry', error: 'x' }), T0 + 5), false)
    t.equal(await store.jobs.fail(j!.id, 'B', attempt({ outcome: 'dead', error: 'x' }), null), false)
    t.equal(await completeJob(store, unclaimed!.id, 'A', attempt()), false, 'a job never claimed')
    t.equal(await completeJob(store, 999_999, 'A', attempt()), false, 'no such job')
    t.same(await store.housekeeping.listJobs(), before, 'jobs unchanged')
    t.same(
      ids(await store.jobs.claim({ owner: 'B', limit: 5, leaseMs: 1000, now: T0 + 1 })),
      [unclaimed!.id],
      'A still holds j',
    )
  })

  t.test('completeJob stores the resolved contact id', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event(), [job({ contact: { email: 'x@example.com' } })])
    const [j] = await store.jobs.claim({ owner: 'A', limit: 1, leaseMs: 1000, now: T0 })
    t.equal(j!.contactId, null)
    t.ok(await completeJob(store, j!.id, 'A', attempt({ contactId: 'c_resolved', response: { succeded: true } })))
    t.match(await store.housekeeping.listJobs(), [{ status: 'done', contactId: 'c_resolved', attempts: 1 }])
  })

  t.test('failJob with retryAt keeps the job pending until then', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event(), [job()])
    const [j] = await store.jobs.claim({ owner: 'A', limit: 1, leaseMs: 60_000, now: T0 })
    const retryAt = T0 + 5000
    t.ok(await store.jobs.fail(j!.id, 'A', attempt({ outcome: 'retry', statusCode: 503, error: 'HTTP 503' }), retryAt))
    t.match(await store.housekeeping.listJobs(), [
      { status: 'pending', attempts: 1, lastError: 'HTTP 503', runAt: retryAt },
    ])
    t.same(await store.jobs.claim({ owner: 'A', limit: 1, leaseMs: 1000, now: retryAt - 1 }), [], 'not before retryAt')
    const again = await store.jobs.claim({ owner: 'B', limit: 1, leaseMs: 1000, now: retryAt })
    t.same(ids(again), [j!.id], 'lease was released: another owner gets it at retryAt')
    t.ok(await store.jobs.fail(j!.id, 'B', attempt({ outcome: 'dead', error: 'gave up' }), null))
    t.match(await store.housekeeping.listJobs(), [{ status: 'dead', attempts: 2, lastError: 'gave up' }])
  })

  t.test('failJob with null retryAt dead-letters the job', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event(), [job()])
    const [j] = await store.jobs.claim({ owner: 'A', limit: 1, leaseMs: 1000, now: T0 })
    t.ok(await store.jobs.fail(j!.id, 'A', attempt({ outcome: 'dead', statusCode: 400, error: 'bad location' }), null))
    t.match(await store.housekeeping.listJobs(), [{ status: 'dead', attempts: 1, lastError: 'bad location' }])
    t.same(await store.jobs.claim({ owner: 'A', limit: 5, leaseMs: 1000, now: T0 + 1e9 }), [], 'never claimable')
    t.equal(await store.jobs.fail(j!.id, 'A', attempt(), T0), false, 'a dead job stays dead')
    t.equal(await store.housekeeping.countJobs('dead'), 1)
  })

  t.test("releaseLeases makes an owner's jobs claimable at once", async (t) => {
    const store = await fresh(t)
    await seed(store)
    const mine = await store.jobs.claim({ owner: 'A', limit: 2, leaseMs: 60_000, now: T0 + 1000 })
    const theirs = await store.jobs.claim({ owner: 'C', limit: 1, leaseMs: 60_000, now: T0 + 1000 })
    t.equal(await store.jobs.releaseLeases('A'), 2)
    t.equal(await store.jobs.releaseLeases('A'), 0, 'nothing left')
    t.equal(await store.jobs.releaseLeases('nobody'), 0)
    const got = await store.jobs.claim({ owner: 'B', limit: 5, leaseMs: 1000, now: T0 + 1001 })
    t.same(ids(got), ids(mine), "A's jobs, not C's")
    t.equal(await completeJob(store, theirs[0]!.id, 'C', attempt()), true, 'C kept its lease')
  })
}
