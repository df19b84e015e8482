import type { Store } from '../../src/store/index.js'
import { event, job, T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'

const DAY = 86_400_000

/** Dedupe by delivery id: part of the shared `Store` contract. */
export function dedupeContract(t: Tap, fresh: (t: Tap) => Promise<Store>): void {
  t.test('dedupe: a repeated key stores nothing and returns the first event', async (t) => {
    const store = await fresh(t)
    const first = event({ tags: ['a', 'b'], explain: { trace: [{ rule: 'r1', matched: true }] } })
    t.same(await store.intake.accept(first, [job()], { dedupe: { key: 'k1', expiresAt: T0 + DAY } }), {
      duplicate: false,
    })
    const again = event({ receivedAt: T0 + 1000 })
    const res = await store.intake.accept(again, [job(), job()], { dedupe: { key: 'k1', expiresAt: T0 + 1000 + DAY } })
    t.same(res, {
      duplicate: true,
      id: first.id,
      tags: ['a', 'b'],
      explain: { trace: [{ rule: 'r1', matched: true }] },
    })
    t.equal(await store.housekeeping.countEvents(), 1)
    t.equal(await store.housekeeping.countJobs(), 1)
    t.equal(await store.trail.getEvent(again.id), undefined)
  })

  t.test('dedupe: keys are per source, and accept without a key never dedupes', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event({ source: 'a' }), [], { dedupe: { key: 'same', expiresAt: T0 + DAY } })
    t.same(await store.intake.accept(event({ source: 'b' }), [], { dedupe: { key: 'same', expiresAt: T0 + DAY } }), {
      duplicate: false,
    })
    t.same(await store.intake.accept(event({ source: 'a' }), []), { duplicate: false })
    t.equal(await store.housekeeping.countEvents(), 3)
  })

  t.test('dedupe: an expired key is live again', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event(), [], { dedupe: { key: 'k', expiresAt: T0 + 1000 } })
    const later = event({ receivedAt: T0 + 1000 })
    t.same(await store.intake.accept(later, [], { dedupe: { key: 'k', expiresAt: T0 + 1000 + DAY } }), {
      duplicate: false,
    })
    const res = await store.intake.accept(event({ receivedAt: T0 + 2000 }), [], {
      dedupe: { key: 'k', expiresAt: T0 + DAY },
    })
    t.match(res, { duplicate: true, id: later.id }, 'the newer event is now the first')
    t.equal(await store.housekeeping.countEvents(), 2)
  })

  t.test('dedupe: many simultaneous copies store one event', async (t) => {
    const store = await fresh(t)
    const copies = Array.from({ length: 20 }, () => event())
    const results = await Promise.all(
      copies.map((e) => store.intake.accept(e, [job()], { dedupe: { key: 'race', expiresAt: T0 + DAY } })),
    )
    t.equal(results.filter((r) => !r.duplicate).length, 1, 'one winner')
    const winner = copies[results.findIndex((r) => !r.duplicate)]!
    t.ok(
      results.every((r) => !r.duplicate || r.id === winner.id),
      'every loser names the winner',
    )
    t.equal(await store.housekeeping.countEvents(), 1)
    t.equal(await store.housekeeping.countJobs(), 1)
  })

  t.test('dedupe: any one of several keys live makes a duplicate; all are recorded, none by a duplicate', async (t) => {
    const store = await fresh(t)
    const first = event({ tags: ['x'] })
    const opts = (key: string, ...alsoKeys: string[]) => ({ dedupe: { key, expiresAt: T0 + DAY, alsoKeys } })
    t.same(await store.intake.accept(first, [job()], opts('delivery-1', 'body:aaa')), { duplicate: false })
    // the same body re-sent with a new delivery id
    t.match(await store.intake.accept(event(), [job()], opts('delivery-2', 'body:aaa')), {
      duplicate: true,
      id: first.id,
    })
    // the same delivery id with another body (the sender's own retry after an edit)
    t.match(await store.intake.accept(event(), [job()], opts('delivery-1', 'body:bbb')), {
      duplicate: true,
      id: first.id,
    })
    t.equal(await store.housekeeping.countEvents(), 1)
    t.equal(await store.housekeeping.countJobs(), 1)
    // the duplicates recorded nothing: delivery-2 and body:bbb are still free
    const second = event()
    t.same(await store.intake.accept(second, [], opts('delivery-2', 'body:bbb')), { duplicate: false })
    t.match(await store.intake.accept(event(), [], opts('body:bbb')), { duplicate: true, id: second.id }, 'a key alone')
    t.equal(await store.housekeeping.countEvents(), 2)
  })

  t.test('dedupe: simultaneous copies with new delivery ids and one body store one event', async (t) => {
    const store = await fresh(t)
    const copies = Array.from({ length: 12 }, (_, i) => ({ e: event(), key: `delivery-${i}` }))
    const results = await Promise.all(
      copies.map(({ e, key }) =>
        store.intake.accept(e, [job()], { dedupe: { key, expiresAt: T0 + DAY, alsoKeys: ['body:same'] } }),
      ),
    )
    t.equal(results.filter((r) => !r.duplicate).length, 1, 'one winner')
    const winner = copies[results.findIndex((r) => !r.duplicate)]!.e
    t.ok(
      results.every((r) => !r.duplicate || r.id === winner.id),
      'every loser names the winner',
    )
    t.equal(await store.housekeeping.countEvents(), 1)
    t.equal(await store.housekeeping.countJobs(), 1)
  })
}
