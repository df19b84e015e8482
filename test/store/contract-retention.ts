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
    await store.intake.accept(delivered, [job(), job()])
    await store.intake.accept(dead, [job()])
    await store.intake.accept(pending, [job()])
    await store.intake.accept(noJobs, [])
    await store.intake.accept(recent, [job()])
    const claimed = await store.jobs.claim({ owner: 'A', limit: 10, leaseMs: 60_000, now: T0 + 10_000 })
    for (const j of claimed) {
      if (j.eventId === delivered.id || j.eventId === recent.id) await completeJob(store, j.id, 'A', attempt())
      if (j.eventId === dead.id) await store.jobs.fail(j.id, 'A', attempt({ outcome: 'dead', error: 'x' }), null)
    }
    await store.jobs.releaseLeases('A')
    t.equal(await store.housekeeping.pruneDelivered(T0 + 5000), 2, 'the delivered event and the one without jobs')
    t.equal(await store.trail.getEvent(delivered.id), undefined)
    t.equal(await store.trail.getEvent(noJobs.id), undefined)
    t.ok(await store.trail.getEvent(dead.id), 'dead letter kept')
    t.ok(await store.trail.getEvent(pending.id), 'pending kept')
    t.ok(await store.trail.getEvent(recent.id), 'recent delivered kept')
    t.equal(await store.housekeeping.countJobs(), 3)
    t.equal(await store.housekeeping.countJobs('dead'), 1)
    t.equal(await store.housekeeping.pruneDelivered(T0 + 5000), 0, 'idempotent')
  })

  t.test('retention: expired dedupe keys are pruned, so the key is free again', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event(), [], { dedupe: { key: 'k', expiresAt: T0 + 100 } })
    await store.housekeeping.pruneDelivered(T0 + 200)
    t.same(
      await store.intake.accept(event({ receivedAt: T0 + 50 }), [], { dedupe: { key: 'k', expiresAt: T0 + 300 } }),
      {
        duplicate: false,
      },
    )
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
      store.tokens.withOAuthLock('loc', hold('a')),
      store.tokens.withOAuthLock('loc', hold('b')),
      store.tokens.withOAuthLock('loc', hold('c')),
    ])
    t.same(
      results,
      ['a', 'b', 'c'].filter((x) => results.includes(x)),
    )
    t.equal(most, 1, 'never two holders at once')
    await t.rejects(
      store.tokens.withOAuthLock('loc', async () => {
        throw new Error('boom')
      }),
      /boom/,
    )
    t.equal(await store.tokens.withOAuthLock('loc', async () => 'after'), 'after', 'a failed holder frees the lock')
  })
}
