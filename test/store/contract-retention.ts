import type { Store } from '../../src/store/index.js'
import { attempt, event, job, T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'
import { completeJob } from './helpers/complete-job.js'

/** Retention and the OAuth refresh lock: part of the shared `Store` contract. */
export function retentionContract(t: Tap, fresh: (t: Tap) => Promise<Store>): void {
  t.test('retention: old delivered events go with their attempts; pending, dead and recent ones stay', async (t) => {
    const store = await fresh(t)
    const delivered = event({ receivedAt: T0 })
    const dead = event({ receivedAt: T0 })
    const pending = event({ receivedAt: T0 })
    const noJobs = event({ receivedAt: T0 })
    const recent = event({ receivedAt: T0 + 10_000 })
    await store.accept(delivered, [job(), job()])
    await store.accept(dead, [job()])
    await store.accept(pending, [job()])
    await store.accept(noJobs, [])
    await store.accept(recent, [job()])
    const claimed = await store.claimJobs({ owner: 'A', limit: 10, leaseMs: 60_000, now: T0 + 10_000 })
    for (const j of claimed) {
      if (j.eventId === delivered.id || j.eventId === recent.id) await completeJob(store, j.id, 'A', attempt())
      if (j.eventId === dead.id) await store.failJob(j.id, 'A', attempt({ outcome: 'dead', error: 'x' }), null)
    }
    await store.releaseLeases('A')
    t.equal(await store.pruneDelivered(T0 + 5000), 2, 'the delivered event and the one without jobs')
    t.equal(await store.getEvent(delivered.id), undefined)
    t.equal(await store.getEvent(noJobs.id), undefined)
    t.ok(await store.getEvent(dead.id), 'dead letter kept')
    t.ok(await store.getEvent(pending.id), 'pending kept')
    t.ok(await store.getEvent(recent.id), 'recent delivered kept')
    t.equal(await store.countJobs(), 3)
    t.equal(await store.countJobs('dead'), 1)
    t.equal(await store.pruneDelivered(T0 + 5000), 0, 'idempotent')
  })

  t.test('retention: expired dedupe keys are pruned, so the key is free again', async (t) => {
    const store = await fresh(t)
    await store.accept(event(), [], { dedupe: { key: 'k', expiresAt: T0 + 100 } })
    await store.pruneDelivered(T0 + 200)
    t.same(await store.accept(event({ receivedAt: T0 + 50 }), [], { dedupe: { key: 'k', expiresAt: T0 + 300 } }), {
      duplicate: false,
    })
  })

  t.test('withOAuthLock runs one holder at a time per location', async (t) => {
    const store = await fresh(t)
    let inside = 0
    let most = 0
    const order: string[] = []
    const hold = (name: string) => async () => {
      inside += 1
      most = Math.max(most, inside)
      await new Promise((r) => setTimeout(r, 20))
      order.push(name)
      inside -= 1
      return name
    }
    const results = await Promise.all([
      store.withOAuthLock('loc', hold('a')),
      store.withOAuthLock('loc', hold('b')),
      store.withOAuthLock('loc', hold('c')),
    ])
    t.same(
      results,
      ['a', 'b', 'c'].filter((x) => results.includes(x)),
    )
    t.equal(most, 1, 'never two holders at once')
    await t.rejects(
      store.withOAuthLock('loc', async () => {
        throw new Error('boom')
      }),
      /boom/,
    )
    t.equal(await store.withOAuthLock('loc', async () => 'after'), 'after', 'a failed holder frees the lock')
  })
}
