import type { Store } from '../../src/store/index.js'
import { attempt, event, job, T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'
import { completeJob } from './helpers/complete-job.js'

/** What the delivery engine needs beyond the lease protocol. Part of `storeContract`. */
export function deliveryContract(t: Tap, fresh: (t: Tap) => Promise<Store>): void {
  t.test('claim by location, or from any location', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event({ receivedAt: T0 }), [
      job({ location: 'a' }),
      job({ location: 'b' }),
      job({ location: 'gone' }),
    ])
    const a = await store.jobs.claim({ owner: 'w', limit: 10, leaseMs: 1000, now: T0, location: 'a' })
    t.same(
      a.map((j) => j.location),
      ['a'],
    )
    const rest = await store.jobs.claim({ owner: 'w', limit: 10, leaseMs: 1000, now: T0 })
    t.same(
      rest.map((j) => j.location),
      ['b', 'gone'],
    )
    t.equal(a[0]?.createdAt, T0)
  })

  t.test('renewLeases extends only the leases the owner holds', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event({ receivedAt: T0 }), [job(), job()])
    const [x, y] = await store.jobs.claim({ owner: 'w1', limit: 2, leaseMs: 100, now: T0 })
    t.equal(await store.jobs.renewLeases('w1', [x!.id, y!.id], 1000, T0 + 50), 2)
    t.same(
      await store.jobs.claim({ owner: 'w2', limit: 2, leaseMs: 100, now: T0 + 500 }),
      [],
      'renewed past the first lease',
    )
    t.equal(await store.jobs.renewLeases('w2', [x!.id], 1000, T0 + 500), 0, 'not the owner')
    t.equal(
      (await store.jobs.claim({ owner: 'w2', limit: 2, leaseMs: 100, now: T0 + 1100 })).length,
      2,
      'expired after the renewal',
    )
  })

  t.test('completeJobs completes many in one go, skipping lost leases', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event({ receivedAt: T0 }), [job(), job()])
    const [x, y] = await store.jobs.claim({ owner: 'w1', limit: 2, leaseMs: 100, now: T0 })
    await store.jobs.claim({ owner: 'w2', limit: 2, leaseMs: 100, now: T0 + 200 })
    t.equal(
      await store.jobs.complete('w2', [
        { id: x!.id, attempt: attempt() },
        { id: y!.id, attempt: attempt() },
      ]),
      2,
    )
    t.equal(await store.jobs.complete('w1', [{ id: x!.id, attempt: attempt() }]), 0)
    t.equal(await store.housekeeping.countJobs('done'), 2)
  })

  t.test('contact cache: per location, expires, forget', async (t) => {
    const store = await fresh(t)
    await store.contacts.remember(
      'a',
      [
        { key: 'email:x@example.com', contactId: 'c1' },
        { key: 'phone:+14155550100', contactId: 'c2' },
      ],
      T0 + 1000,
    )
    t.same(
      [...(await store.contacts.lookup('a', ['email:x@example.com', 'email:y@example.com', 'phone:+14155550100'], T0))],
      [
        ['email:x@example.com', 'c1'],
        ['phone:+14155550100', 'c2'],
      ].sort(),
    )
    t.equal((await store.contacts.lookup('b', ['email:x@example.com'], T0)).size, 0, 'another location')
    t.equal((await store.contacts.lookup('a', ['email:x@example.com'], T0 + 1000)).size, 0, 'expired')
    await store.contacts.remember('a', [{ key: 'email:x@example.com', contactId: 'c3' }], T0 + 5000)
    t.equal(
      (await store.contacts.lookup('a', ['email:x@example.com'], T0 + 2000)).get('email:x@example.com'),
      'c3',
      'replaced',
    )
    await store.contacts.forget('a', ['email:x@example.com'])
    t.equal((await store.contacts.lookup('a', ['email:x@example.com'], T0)).size, 0)
  })

  t.test('dead letters: list, get with attempts, replay, discard', async (t) => {
    const store = await fresh(t)
    const e = event({ receivedAt: T0 })
    await store.intake.accept(e, [job(), job(), job()])
    const jobs = await store.jobs.claim({ owner: 'w', limit: 3, leaseMs: 1000, now: T0 })
    for (const j of jobs.slice(0, 2))
      await store.jobs.fail(
        j.id,
        'w',
        attempt({ outcome: 'dead', error: 'E: no', response: { message: 'Contact not found' } }),
        null,
      )
    await completeJob(store, jobs[2]!.id, 'w', attempt())
    const dead = await store.deadLetters.list()
    t.same(
      dead.map((j) => j.id),
      [jobs[0]!.id, jobs[1]!.id],
    )
    t.same(
      (await store.deadLetters.list({ afterId: jobs[0]!.id })).map((j) => j.id),
      [jobs[1]!.id],
      'paging',
    )
    const one = await store.deadLetters.get(jobs[0]!.id)
    t.match(one, {
      job: { eventId: e.id, status: 'dead' },
      attempts: [{ outcome: 'dead', response: { message: 'Contact not found' } }],
    })
    t.equal(await store.deadLetters.get(jobs[2]!.id), undefined, 'a done job is no dead letter')
    t.same(await store.deadLetters.replay([jobs[0]!.id, jobs[2]!.id], T0 + 10), [jobs[0]!.id])
    const again = await store.jobs.claim({ owner: 'w', limit: 3, leaseMs: 1000, now: T0 + 10 })
    t.same(
      again.map((j) => j.id),
      [jobs[0]!.id],
      'replayed job is due',
    )
    t.ok(
      await store.jobs.fail(jobs[0]!.id, 'w', attempt({ outcome: 'dead' }), null),
      'a second trail entry after replay',
    )
    t.same(await store.deadLetters.replay('all', T0 + 20), [jobs[0]!.id, jobs[1]!.id])
    await store.jobs
      .claim({ owner: 'w', limit: 3, leaseMs: 1000, now: T0 + 20 })
      .then((js) => Promise.all(js.map((j) => store.jobs.fail(j.id, 'w', attempt({ outcome: 'dead' }), null))))
    t.equal(await store.deadLetters.discard([jobs[1]!.id, jobs[2]!.id]), 1, 'only dead jobs are discarded')
    t.same(
      (await store.deadLetters.list()).map((j) => j.id),
      [jobs[0]!.id],
    )
    t.ok(await store.trail.getEvent(e.id), 'the event stays')
  })

  t.test(
    'replanJobs: new create fields for dead and idle pending jobs, due now, age restarted; leased and done ones untouched',
    async (t) => {
      const store = await fresh(t)
      const e = event()
      await store.intake.accept(e, [
        job(),
        job({ add: ['b'] }),
        job({ add: ['c'] }),
        job({ add: ['d'], create: { firstName: 'Old' } }),
      ])
      const [dead, leased, done] = await store.jobs.claim({ owner: 'w', limit: 3, leaseMs: 1000, now: T0 })
      const idle = (await store.housekeeping.listJobs({ eventId: e.id })).find((j) => j.add[0] === 'd')
      await store.jobs.fail(dead!.id, 'w', attempt({ outcome: 'dead', error: 'TAGRELAY_CONTACT_NOT_FOUND: no' }), null)
      await completeJob(store, done!.id, 'w', attempt())
      const changed = await store.deadLetters.replan(
        [
          { id: dead!.id, create: { firstName: 'Ada' } },
          { id: leased!.id, create: {} },
          { id: done!.id, create: {} },
          { id: idle!.id, create: null },
        ],
        T0 + 50,
      )
      t.same(
        [...changed].sort((a, b) => a - b),
        [dead!.id, idle!.id].sort((a, b) => a - b),
      )
      const byId = new Map((await store.housekeeping.listJobs({ eventId: e.id })).map((j) => [j.id, j]))
      t.match(byId.get(dead!.id), {
        status: 'pending',
        runAt: T0 + 50,
        createdAt: T0 + 50,
        create: { firstName: 'Ada' },
      })
      t.equal(byId.get(idle!.id)?.create, undefined, 'null takes the create fields away')
      t.equal(byId.get(idle!.id)?.runAt, T0 + 50)
      t.equal(byId.get(leased!.id)?.create, undefined, 'a job leased now is left to its worker')
      t.equal(byId.get(done!.id)?.status, 'done')
      t.same(await store.deadLetters.replan([], T0), [])
    },
  )
}
