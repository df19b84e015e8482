import type { Store } from '../../src/store/index.js'
import { attempt, event, job, T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'

const ada = { email: 'ada@example.com' }
const claim = (store: Store, owner: string, now: number, limit = 10) =>
  store.jobs.claim({ owner, limit, leaseMs: 1000, now, location: 'main' })

/**
 * The last word across crashes (issue 24): per-person claim order, the tag fence, a
 * re-run's place in the accept order, and SQLite's takeover. Part of `storeContract`.
 */
export function orderContract(t: Tap, fresh: (t: Tap) => Promise<Store>): void {
  t.test('person order: no job of a person is claimed while another is leased or an earlier one waits', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event({ receivedAt: T0 }), [job({ contact: ada, add: ['subscribed'] })])
    const [optin] = await claim(store, 'A', T0)
    t.ok(optin, 'the opt-in is claimed')
    await store.intake.accept(event({ receivedAt: T0 + 1 }), [
      job({ contact: { email: 'ADA@example.com' }, remove: ['subscribed'], add: [] }),
    ])
    await store.intake.accept(event({ receivedAt: T0 + 1 }), [job({ contact: { email: 'bob@example.com' } })])
    const other = await claim(store, 'B', T0 + 2)
    t.same(
      other.map((j) => j.contact.email),
      ['bob@example.com'],
      'the opt-out waits while the opt-in is leased',
    )
    t.equal(await store.jobs.nextDueAt('main', T0 + 2), T0 + 1000, 'the location is next due when the lease ends')
    await store.jobs.fail(optin!.id, 'A', attempt({ outcome: 'retry', error: 'x' }), T0 + 5000)
    t.same(await claim(store, 'B', T0 + 10), [], 'the opt-out waits while the opt-in waits for its retry')
    const both = await claim(store, 'B', T0 + 5000)
    t.same(
      both
        .filter((j) => j.contact.email !== 'bob@example.com')
        .map((j) => j.id)
        .sort((a, b) => a - b),
      [optin!.id, optin!.id + 1],
      'then both together, to be coalesced in accept order',
    )
  })

  t.test('person order: an id is a person too, and a leased later job holds an earlier one', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event({ receivedAt: T0 }), [job({ contact: { id: 'c1' } })])
    await store.intake.accept(event({ receivedAt: T0 }), [job({ contact: { id: 'c1' } })])
    const [first] = await claim(store, 'A', T0, 1)
    t.same(await claim(store, 'B', T0), [], 'the same contact id: held while the first is leased')
    await store.jobs.fail(first!.id, 'A', attempt({ outcome: 'retry', error: 'x' }), T0 + 5000)
    t.same(await claim(store, 'B', T0 + 1), [], 'and while it waits for its retry')
    const [second] = await claim(store, 'B', T0 + 5000, 1)
    t.equal(second?.id, first!.id + 1, 'a claim cut by its limit takes the one due first')
    t.same(await claim(store, 'C', T0 + 5000), [], 'the other waits while it is leased (the fence backs this case)')
  })

  t.test('tag fence: moves forward only, per location, contact and tag', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event(), [job()])
    const [j] = await claim(store, 'A', T0)
    const applied = (tag: string, seq: number, eventId: string) => ({
      location: 'main',
      contactId: 'c1',
      tag,
      seq,
      eventId,
    })
    t.equal(
      await store.jobs.complete(
        'A',
        [{ id: j!.id, attempt: attempt() }],
        [applied('vip', 7, 'e7'), applied('lead', 7, 'e7')],
      ),
      1,
    )
    await store.jobs.complete('A', [], [applied('vip', 5, 'e5'), applied('lead', 9, 'e9')])
    const fence = await store.jobs.loadFence('main', ['c1', 'c2'])
    t.same([...(fence.get('c1') ?? [])].sort(), [
      ['lead', { seq: 9, eventId: 'e9' }],
      ['vip', { seq: 7, eventId: 'e7' }],
    ])
    t.notOk(fence.has('c2'))
    t.equal((await store.jobs.loadFence('other', ['c1'])).size, 0, 'per location')
  })

  t.test("a re-run's jobs keep their event's place in the accept order", async (t) => {
    const store = await fresh(t)
    const old = event({ receivedAt: T0 })
    await store.intake.accept(old, [job({ contact: { email: 'x@example.com' } })])
    await store.intake.accept(event({ receivedAt: T0 + 1 }), [job({ contact: { email: 'y@example.com' } })])
    await store.trail.recordRerun(old.id, { at: T0 + 5, by: 'test', rulesVersion: 'v2', changes: {} }, [
      job({ contact: { email: 'z@example.com' } }),
    ])
    const jobs = await store.housekeeping.listJobs()
    const [first, later, rerun] = jobs
    t.equal(first!.seq, first!.id)
    t.equal(later!.seq, later!.id)
    t.equal(rerun!.seq, first!.seq, 'the re-run counts as its event, older than the later one')
  })

  t.test('takeover: a SQLite store drops the leases of a dead owner at once', async (t) => {
    const store = await fresh(t)
    if (store.jobs.takeOverLeases === undefined) {
      t.equal(store.kind, 'postgres', 'PostgreSQL replicas keep their leases until they run out')
      return
    }
    await store.intake.accept(event(), [job()])
    const first = await store.jobs.takeOverLeases('dead', T0)
    t.match(first, { epoch: 1, previous: null, released: 0 })
    t.equal((await claim(store, 'dead', T0)).length, 1)
    const took = await store.jobs.takeOverLeases('next', T0 + 10)
    t.match(took, { epoch: 2, previous: 'dead', released: 1 })
    const [again] = await claim(store, 'next', T0 + 10)
    t.equal(again?.inDoubt, true, "the dead owner's job comes back in doubt (its call may have been applied)")
  })

  t.test('in doubt: a job claimed over a lease that ran out, until an attempt is recorded', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event(), [job(), job({ contact: { email: 'bob@example.com' } })])
    const first = await claim(store, 'A', T0)
    t.same(
      first.map((j) => j.inDoubt),
      [undefined, undefined],
      'a first claim is not in doubt',
    )
    const [a, b] = first.sort((x, y) => x.id - y.id)
    await store.jobs.complete('A', [{ id: a!.id, attempt: attempt() }], [])
    const again = await claim(store, 'B', T0 + 1000)
    t.same(
      again.map((j) => [j.id, j.inDoubt]),
      [[b!.id, true]],
      'the job whose lease ran out without an outcome is in doubt; the finished one is not claimed',
    )
    await store.jobs.fail(b!.id, 'B', attempt({ outcome: 'retry', error: 'x' }), T0 + 2000)
    const [retried] = await claim(store, 'C', T0 + 2000)
    t.equal(retried?.id, b!.id)
    t.equal(retried?.inDoubt, undefined, 'a recorded attempt clears the doubt')
    await store.jobs.releaseLeases('C')
    const [released] = await claim(store, 'D', T0 + 2001)
    t.equal(released?.inDoubt, undefined, 'a lease handed back (a clean stop) is not in doubt')
  })
}
