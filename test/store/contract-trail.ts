import type { Store } from '../../src/store/index.js'
import { attempt, event, job, T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'
import { completeJob } from './helpers/complete-job.js'

/** The operations reads: event listing, attempt trails, queue stats. Part of `storeContract`. */
export function trailContract(t: Tap, fresh: (t: Tap) => Promise<Store>): void {
  t.test('rule sets: recorded once per version, read back as written', async (t) => {
    const store = await fresh(t)
    t.equal(await store.ruleSets.loadRuleSet('abc123'), undefined, 'nothing before it is recorded')
    const text = JSON.stringify([[{ name: 'r', source: 'forms', tags: ['x'] }], {}])
    await store.ruleSets.saveRuleSet('abc123', text, T0)
    await store.ruleSets.saveRuleSet('abc123', '"something else"', T0 + 1)
    t.equal(await store.ruleSets.loadRuleSet('abc123'), text, 'a version is never rewritten')
    await Promise.all([store.ruleSets.saveRuleSet('v2', '[]', T0), store.ruleSets.saveRuleSet('v2', '[]', T0)])
    t.equal(await store.ruleSets.loadRuleSet('v2'), '[]', 'two replicas recording the same version at once is fine')
  })

  t.test('listEvents: newest first, filters, keyset pages', async (t) => {
    const store = await fresh(t)
    const a = event({ id: 'evt_a', source: 'forms', receivedAt: T0 })
    const b = event({ id: 'evt_b', source: 'shop', receivedAt: T0 + 10 })
    const c = event({ id: 'evt_c', source: 'forms', receivedAt: T0 + 10 })
    const d = event({
      id: 'evt_d',
      source: 'forms',
      receivedAt: T0 + 20,
      tags: [],
      contact: { email: 'Grace@Example.com', phone: '+442079460958' },
    })
    await store.intake.accept(a, [job({ contact: { email: 'Ada@Example.com' } })])
    await store.intake.accept(b, [job({ contact: { id: 'c_42' }, location: 'second', rules: ['vip'], add: ['vip'] })])
    await store.intake.accept(c, [
      job({ contact: { phone: '+14155552671' }, remove: ['lead-cold'] }),
      job({ remove: ['lead-cold', 'trial'] }),
    ])
    await store.intake.accept(d, [])
    const ids = async (filter: Parameters<Store['trail']['listEvents']>[0]): Promise<string[]> =>
      (await store.trail.listEvents(filter)).map((e) => e.id)

    t.same(await ids({ limit: 10 }), ['evt_d', 'evt_c', 'evt_b', 'evt_a'], 'newest first, ties by id descending')
    t.same(await ids({ limit: 10, source: 'forms' }), ['evt_d', 'evt_c', 'evt_a'])
    t.same(
      await ids({ limit: 10, since: T0 + 10, until: T0 + 20 }),
      ['evt_c', 'evt_b'],
      'since inclusive, until exclusive',
    )
    t.same(await ids({ limit: 10, contact: 'ada@example.COM' }), ['evt_a'], 'email in any case')
    t.same(await ids({ limit: 10, contact: 'c_42' }), ['evt_b'], 'contact id')
    t.same(await ids({ limit: 10, contact: 'grace@EXAMPLE.com' }), ['evt_d'], 'the contact of an event without jobs')
    t.same(await ids({ limit: 10, contact: '+442079460958', status: 'none' }), ['evt_d'], 'by phone too')
    t.same(await ids({ limit: 10, contact: '+14155552671' }), ['evt_c'], 'phone')
    t.same(await ids({ limit: 10, status: 'none' }), ['evt_d'])
    t.same(await ids({ limit: 10, location: 'second' }), ['evt_b'], 'a location one of its jobs delivers to')
    t.same(await ids({ limit: 10, location: 'main', source: 'forms' }), ['evt_c', 'evt_a'], 'filters combine')
    t.same(await ids({ limit: 10, rule: 'vip' }), ['evt_b'], 'a rule that matched')
    t.same(await ids({ limit: 10, ruleMissed: 'vip' }), ['evt_d', 'evt_c', 'evt_a'], 'a rule that did not match')
    t.same(await ids({ limit: 10, ruleMissed: 'vip', source: 'shop' }), [], 'did not match, within its source')
    t.same(await ids({ limit: 10, tag: 'utm-google' }), ['evt_c', 'evt_b', 'evt_a'], 'a tag it asked for')
    t.same(await ids({ limit: 10, tag: 'utm' }), [], 'a whole tag, not a part of one')
    t.same(await ids({ limit: 10, contact: 'ada@example.com', source: 'shop' }), [], 'contact and source combine')

    const [job1] = await store.jobs.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: T0 + 100 })
    await store.jobs.fail(
      job1!.id,
      'w',
      attempt({ outcome: 'dead', statusCode: 422, response: { message: 'bad' } }),
      null,
    )
    t.same(await ids({ limit: 10, status: 'dead' }), ['evt_a'])
    t.same(await ids({ limit: 10, status: 'pending' }), ['evt_c', 'evt_b'])

    const first = await store.trail.listEvents({ limit: 2 })
    t.same(
      first.map((e) => e.id),
      ['evt_d', 'evt_c'],
    )
    t.match(
      first[0],
      { contact: { phone: '+442079460958' }, location: null },
      'who, from the event; no job: no location',
    )
    t.match(first[1], {
      location: 'main',
      source: 'forms',
      receivedAt: T0 + 10,
      tags: ['webinar-2026', 'utm-google'],
      status: 'pending',
      jobCount: 2,
    })
    t.same([...first[1]!.removed].sort(), ['lead-cold', 'trial'], 'the tags its jobs remove, each once')
    t.same(first[0]!.removed, [], 'none for an event without jobs')
    const last = first[1]!
    t.same(
      await ids({ limit: 2, after: { receivedAt: last.receivedAt, id: last.id } }),
      ['evt_b', 'evt_a'],
      'the next page continues after the cursor',
    )
  })

  t.test('listAttempts: every attempt of every job, in order, with the response body', async (t) => {
    const store = await fresh(t)
    const e = event()
    await store.intake.accept(e, [job(), job({ location: 'other' })])
    await store.intake.accept(event(), [job()])
    const jobs = await store.housekeeping.listJobs({ eventId: e.id })
    await store.jobs.claim({ owner: 'w', limit: 10, leaseMs: 1000, now: T0 })
    await store.jobs.fail(
      jobs[0]!.id,
      'w',
      attempt({
        outcome: 'retry',
        statusCode: 429,
        error: 'rate limited',
        response: { message: 'slow down' },
        rateLimit: { max: 100, remaining: 0, intervalMs: 10000, dailyLimit: 200000, dailyRemaining: 150 },
      }),
      T0 + 50,
    )
    await store.jobs.claim({ owner: 'w', limit: 10, leaseMs: 1000, now: T0 + 60 })
    await completeJob(
      store,
      jobs[0]!.id,
      'w',
      attempt({
        statusCode: 200,
        contactId: 'c_1',
        response: { tags: ['webinar-2026'] },
        rateLimit: { remaining: 99 },
      }),
    )
    await completeJob(store, jobs[1]!.id, 'w', attempt({ statusCode: 201 }))
    const trail = await store.trail.listAttempts(e.id)
    t.same(
      trail.map((a) => [a.jobId, a.attempt, a.outcome, a.statusCode]),
      [
        [jobs[0]!.id, 1, 'retry', 429],
        [jobs[0]!.id, 2, 'done', 200],
        [jobs[1]!.id, 1, 'done', 201],
      ],
    )
    t.same(trail[0]!.response, { message: 'slow down' })
    t.equal(trail[0]!.error, 'rate limited')
    t.same(trail[1]!.response, { tags: ['webinar-2026'] })
    t.equal(trail[1]!.contactId, 'c_1')
    t.same(trail[0]!.rateLimit, { max: 100, remaining: 0, intervalMs: 10000, dailyLimit: 200000, dailyRemaining: 150 })
    t.same(trail[1]!.rateLimit, { remaining: 99 }, 'rate-limit headers kept with the attempt')
    t.notOk('rateLimit' in trail[2]!, 'none when none was seen')
    t.same(await store.trail.listAttempts('nope'), [])
  })

  t.test('queueStats: pending, dead and the oldest pending job per location', async (t) => {
    const store = await fresh(t)
    t.same(await store.jobs.stats(), [])
    await store.intake.accept(event({ receivedAt: T0 + 5 }), [job(), job({ location: 'eu' })])
    await store.intake.accept(event({ receivedAt: T0 + 1 }), [job()])
    await store.intake.accept(event({ receivedAt: T0 + 9 }), [job({ location: 'eu' })])
    const eu = (await store.housekeeping.listJobs()).filter((j) => j.location === 'eu')
    await store.jobs.claim({ owner: 'w', limit: 10, leaseMs: 1000, now: T0 + 100 })
    await store.jobs.fail(eu[0]!.id, 'w', attempt({ outcome: 'dead' }), null)
    await completeJob(store, eu[1]!.id, 'w', attempt())
    // the oldest main job waits for its contact to exist in HighLevel: counted apart
    const oldestMain = (await store.housekeeping.listJobs()).find(
      (j) => j.location === 'main' && j.createdAt === T0 + 1,
    )
    const notFound = 'TAGRELAY_CONTACT_NOT_FOUND: no HighLevel contact with email a@example.com'
    await store.jobs.fail(oldestMain!.id, 'w', attempt({ outcome: 'retry', error: notFound }), T0 + 200)
    t.same(await store.jobs.stats(), [
      { location: 'eu', pending: 0, dead: 1, oldestPendingAt: null, oldestDeliverableAt: null, awaitingContact: 0 },
      {
        location: 'main',
        pending: 2,
        dead: 0,
        oldestPendingAt: T0 + 1,
        oldestDeliverableAt: T0 + 5,
        awaitingContact: 1,
      },
    ])
    const awaited = await store.alerts.awaitingContacts(T0 + 3, 10)
    t.equal(awaited.count, 1)
    t.same(
      awaited.first.map((j) => [j.id, j.contact.email]),
      [[oldestMain!.id, oldestMain!.contact.email]],
    )
    t.equal((await store.alerts.awaitingContacts(T0 + 1, 10)).count, 0, 'only those waiting since before the time')
  })
}
