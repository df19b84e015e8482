import type { NewRefusedRequest, Store } from '../../src/store/index.js'
import { attempt, event, job, T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'

let seq = 0
/** ids sort like UUIDv7: by time first */
const refused = (overrides: Partial<NewRefusedRequest> = {}): NewRefusedRequest => {
  seq += 1
  return {
    id: `0190-${String(seq).padStart(6, '0')}`,
    source: 'calendly',
    receivedAt: T0 + seq,
    code: 'TAGRELAY_BAD_SIGNATURE',
    method: 'POST',
    url: '/hooks/calendly?token=sha256:ab',
    headers: { 'content-type': 'application/json', 'x-dup': ['a', 'b'] },
    query: { token: 'sha256:ab' },
    body: Buffer.from('{"email":"ada@example.com"}\u0000\xff', 'latin1'),
    ...overrides,
  }
}
const wide = { maxPerSource: 100, maxBytesPerSource: 1_000_000, maxAgeMs: 86_400_000 }

/** Refused requests and the alert outbox: the operations roles, alike on both stores. */
export function opsContract(t: Tap, fresh: (t: Tap) => Promise<Store>): void {
  t.test('refused: kept as given, bytes exact, listed newest first with filters and a cursor', async (t) => {
    const store = await fresh(t)
    const a = refused()
    const b = refused({ source: 'forms', code: 'TAGRELAY_BAD_TOKEN' })
    const c = refused()
    for (const r of [a, b, c]) await store.refused.keep(r, wide)
    const got = await store.refused.get(a.id)
    // every byte the row holds counts (issue 29): body, URL, headers, query, ids
    const text = [a.id, a.source, a.code, a.method, a.url, JSON.stringify(a.headers), JSON.stringify(a.query)]
    const bytes = a.body.length + Buffer.byteLength(text.join(''))
    const head = { body: a.body, complete: true, contentType: 'application/json' }
    t.same(got, { ...a, bytes, head, status: 'refused', reverifiedAt: null, reverifyCode: null })
    t.ok(got?.body.equals(a.body), 'the body bytes round-trip exactly')
    const listed = await store.refused.list({ limit: 10 })
    t.same(
      listed.map((r) => r.id),
      [c.id, b.id, a.id],
    )
    const { id, source, receivedAt, code } = a
    t.same(listed[2], {
      id,
      source,
      receivedAt,
      code,
      bytes,
      head,
      status: 'refused',
      reverifiedAt: null,
      reverifyCode: null,
    })
    t.same(
      (await store.refused.list({ limit: 10, source: 'calendly' })).map((r) => r.id),
      [c.id, a.id],
    )
    t.same(
      (await store.refused.list({ limit: 10, code: 'TAGRELAY_BAD_TOKEN' })).map((r) => r.id),
      [b.id],
    )
    const page1 = await store.refused.list({ limit: 2 })
    t.same(
      (await store.refused.list({ limit: 2, before: page1.at(-1)!.id })).map((r) => r.id),
      [a.id],
    )
    t.equal(await store.refused.get('nope'), undefined)
    const large = refused({ body: Buffer.alloc(100_000, 'a') })
    await store.refused.keep(large, wide)
    const [first] = await store.refused.list({ limit: 1 })
    t.equal(first?.head.body.length, 16_384, 'a list reads only the first 16 kB of a body')
    t.equal(first?.head.complete, false)
  })

  t.test('refused: each source is trimmed to its count, bytes and age, oldest first', async (t) => {
    const store = await fresh(t)
    const other = refused({ source: 'forms' })
    await store.refused.keep(other, wide)
    const kept: string[] = []
    for (let i = 0; i < 5; i++) {
      const r = refused()
      kept.push(r.id)
      await store.refused.keep(r, { ...wide, maxPerSource: 3 })
    }
    t.same(
      (await store.refused.list({ limit: 10, source: 'calendly' })).map((r) => r.id),
      kept.slice(2).reverse(),
    )
    t.ok(await store.refused.get(other.id), 'another source is not trimmed by this one')
    const big = refused({ body: Buffer.alloc(400) })
    await store.refused.keep(big, { ...wide, maxBytesPerSource: 700 })
    const left = await store.refused.list({ limit: 10, source: 'calendly' })
    t.ok(left.reduce((n, r) => n + r.bytes, 0) <= 700, 'the byte bound holds')
    t.equal(left[0]!.id, big.id, 'the newest stays')
    t.equal(left.length, 1, 'headers and URLs count: the older rows no longer fit beside it')
    await store.refused.keep(refused({ source: 'x', receivedAt: T0 + 10 * 86_400_000 }), wide)
    t.equal(await store.refused.get(other.id), undefined, 'older than maxAge: gone')
  })

  t.test('refused: a re-verify is recorded (still refused, then accepted)', async (t) => {
    const store = await fresh(t)
    const r = refused()
    await store.refused.keep(r, wide)
    await store.refused.markReverified(r.id, T0 + 100, { code: 'TAGRELAY_BAD_SIGNATURE' })
    t.match(await store.refused.get(r.id), {
      status: 'refused',
      reverifiedAt: T0 + 100,
      reverifyCode: 'TAGRELAY_BAD_SIGNATURE',
    })
    await store.refused.markReverified(r.id, T0 + 200, { accepted: true })
    t.match(await store.refused.get(r.id), { status: 'accepted', reverifiedAt: T0 + 200, reverifyCode: null })
    t.same(
      (await store.refused.list({ limit: 5, status: 'accepted' })).map((x) => x.id),
      [r.id],
    )
  })

  t.test('alerts: queued, claimed with a lease, retried, sent or given up', async (t) => {
    const store = await fresh(t)
    const base = { kind: 'dead_letters', subject: '*', state: 'digest', createdAt: T0 }
    await store.alerts.enqueue([
      { ...base, destination: 'slack', payload: { text: 'one' } },
      { ...base, destination: 'hook', payload: { n: 2 } },
    ])
    const first = await store.alerts.claim('w1', 10, 30_000, T0)
    t.same(
      first.map((a) => [a.destination, a.payload, a.attempts, a.status]),
      [
        ['slack', { text: 'one' }, 1, 'pending'],
        ['hook', { n: 2 }, 1, 'pending'],
      ],
    )
    t.same(await store.alerts.claim('w2', 10, 30_000, T0 + 1), [], 'leased: nobody else gets them')
    await store.alerts.markSent(first[0]!.id, 'w1', T0 + 5)
    await store.alerts.markFailed(first[1]!.id, 'w1', 'connect ECONNREFUSED', T0 + 1000)
    t.same(await store.alerts.claim('w2', 10, 30_000, T0 + 999), [], 'not due before its retry time')
    const again = await store.alerts.claim('w2', 10, 30_000, T0 + 1000)
    t.same(
      again.map((a) => [a.id, a.attempts, a.lastError]),
      [[first[1]!.id, 2, 'connect ECONNREFUSED']],
    )
    await store.alerts.markFailed(again[0]!.id, 'w1', 'not the owner', null)
    t.equal((await store.alerts.list({ limit: 10, status: 'failed' })).length, 0, 'a lost lease changes nothing')
    await store.alerts.markFailed(again[0]!.id, 'w2', 'HTTP 500', null)
    const all = await store.alerts.list({ limit: 10 })
    t.same(
      all.map((a) => [a.destination, a.status, a.sentAt]),
      [
        ['hook', 'failed', null],
        ['slack', 'sent', T0 + 5],
      ],
    )
    t.same(
      (await store.alerts.list({ limit: 10, before: all[0]!.id })).map((a) => a.destination),
      ['slack'],
    )
    t.equal(await store.alerts.prune(T0 + 1), 2)
    t.same(await store.alerts.list({ limit: 10 }), [])
  })

  t.test('alerts: an expired lease makes the alert claimable again (a restart loses none)', async (t) => {
    const store = await fresh(t)
    await store.alerts.enqueue([
      { destination: 'slack', kind: 'test', subject: '*', state: 'test', payload: {}, createdAt: T0 },
    ])
    t.equal((await store.alerts.claim('dead-process', 1, 1000, T0)).length, 1)
    t.equal((await store.alerts.claim('next', 1, 1000, T0 + 500)).length, 0)
    t.equal((await store.alerts.claim('next', 1, 1000, T0 + 1000)).length, 1)
  })

  t.test('alerts: dead letters since a time, counted, the first ones in the order they died', async (t) => {
    const store = await fresh(t)
    await store.intake.accept(event(), [
      job(),
      job({ contact: { email: 'b@example.com' } }),
      job({ location: 'other' }),
    ])
    const jobs = await store.jobs.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: T0 })
    const dieAt = [T0 + 300, T0 + 100, T0 + 200]
    for (const [i, j] of jobs.entries())
      await store.jobs.fail(j.id, 'w', attempt({ outcome: 'dead', error: `no ${i}`, finishedAt: dieAt[i]! }), null)
    const since = await store.alerts.deadLettersSince(T0 + 150, 1)
    t.equal(since.count, 2)
    t.same(
      since.first.map((j) => j.lastError),
      ['no 2'],
    )
    t.equal((await store.alerts.deadLettersSince(T0 + 300, 10)).count, 0)
  })

  t.test('jobs: a trace context given with a job comes back with it; none, none', async (t) => {
    const store = await fresh(t)
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
    await store.intake.accept(event(), [job({ traceParent: tp }), job({ contact: { email: 'b@example.com' } })])
    const claimed = await store.jobs.claim({ owner: 'w', limit: 10, leaseMs: 60_000, now: T0 })
    t.equal(claimed[0]!.traceParent, tp)
    t.notOk('traceParent' in claimed[1]!, 'absent, not null, when there was none')
  })

  t.test('alerts: one leader at a time; the lease passes on when it runs out', async (t) => {
    const store = await fresh(t)
    t.ok(await store.alerts.lead('a', 1000, T0), 'a takes the free lease')
    t.notOk(await store.alerts.lead('b', 1000, T0 + 500), 'b waits while a holds it')
    t.ok(await store.alerts.lead('a', 1000, T0 + 900), 'a renews')
    t.notOk(await store.alerts.lead('b', 1000, T0 + 1500), 'still held: renewed until T0 + 1900')
    t.ok(await store.alerts.lead('b', 1000, T0 + 1900), 'b takes it once it ran out')
    t.notOk(await store.alerts.lead('a', 1000, T0 + 2000))
  })

  t.test('refused: counts per source since a time', async (t) => {
    const store = await fresh(t)
    await store.refused.keep(refused({ source: 'a', receivedAt: T0 + 10 }), wide)
    await store.refused.keep(refused({ source: 'a', receivedAt: T0 + 20 }), wide)
    await store.refused.keep(refused({ source: 'b', receivedAt: T0 + 30 }), wide)
    t.same(await store.refused.countSince(T0 + 10), [
      { source: 'a', count: 1 },
      { source: 'b', count: 1 },
    ])
    t.same(await store.refused.countSince(T0 + 30), [])
  })
}
