import type { Store } from '../../src/store/index.js'
import { attempt, event, job, T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'

const link = (id: string, hash: string, over: { expiresAt?: number } = {}) => ({
  id,
  secretHash: hash,
  scope: { kind: 'locations' as const, locationIds: ['loc-a', 'loc-b'] },
  role: 'viewer',
  label: 'Acme, viewer',
  createdBy: 'admin token',
  createdAt: T0,
  expiresAt: over.expiresAt ?? T0 + 60_000,
})

/** Session scopes and portal links (issue 28): what every replica must see alike. */
export function accessContract(t: Tap, fresh: (t: Tap) => Promise<Store>): void {
  t.test('sessions keep their scope and how they were opened', async (t) => {
    const { sessions } = await fresh(t)
    const company = { kind: 'company' as const, companyId: 'co-1' }
    await sessions.open({ id: 'c', role: 'viewer', createdAt: T0, expiresAt: T0 + 10, scope: company, via: 'sso' })
    const ids = { kind: 'locations' as const, locationIds: ['l1', 'l2'] }
    await sessions.open({ id: 'l', role: 'admin', createdAt: T0, expiresAt: T0 + 10, scope: ids, via: 'portal-link' })
    t.match(await sessions.get('c'), { role: 'viewer', scope: company, via: 'sso' })
    t.same((await sessions.get('l'))?.scope, ids)
    await sessions.open({ id: 'a', role: 'admin', createdAt: T0, expiresAt: T0 + 10 })
    t.same((await sessions.get('a'))?.scope, { kind: 'all' }, 'no scope given: all')
  })

  t.test('portal links: created, listed, used once, refused when used, expired or revoked', async (t) => {
    const { portalLinks } = await fresh(t)
    await portalLinks.create(link('p1', 'h1'))
    await portalLinks.create({ ...link('p2', 'h2', { expiresAt: T0 + 100 }), createdAt: T0 + 1 })
    await portalLinks.create({ ...link('p3', 'h3'), createdAt: T0 + 2 })
    t.same(
      (await portalLinks.list(10)).map((l) => l.id),
      ['p3', 'p2', 'p1'],
      'newest first',
    )
    t.match(await portalLinks.get('p1'), {
      scope: { kind: 'locations', locationIds: ['loc-a', 'loc-b'] },
      usedAt: null,
    })
    t.equal(await portalLinks.get('nope'), undefined)

    const used = await portalLinks.use('h1', T0 + 10)
    t.equal(used.outcome, 'ok')
    t.equal(used.link?.usedAt, T0 + 10)
    t.equal((await portalLinks.use('h1', T0 + 11)).outcome, 'used', 'single use')
    t.equal((await portalLinks.use('h2', T0 + 100)).outcome, 'expired', 'at its expiry it is expired')
    t.equal(await portalLinks.revoke('p3', T0 + 20), true)
    t.equal(await portalLinks.revoke('p3', T0 + 30), false, 'revoked once')
    t.equal((await portalLinks.get('p3'))?.revokedAt, T0 + 20)
    t.equal((await portalLinks.use('h3', T0 + 40)).outcome, 'revoked')
    t.equal((await portalLinks.use('unknown', T0)).outcome, 'unknown')
    await t.rejects(portalLinks.create(link('p4', 'h1')), 'a secret hash is unique')
  })

  t.test('portal links: of exchanges at once, exactly one wins', async (t) => {
    const { portalLinks } = await fresh(t)
    await portalLinks.create(link('race', 'hr'))
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => portalLinks.use('hr', T0 + 5)))
    t.same(outcomes.map((o) => o.outcome).sort(), ['ok', 'used', 'used', 'used'])
  })

  t.test('a scope filters in the query: events by their jobs (or source, without jobs), dead letters', async (t) => {
    const store = await fresh(t)
    const a = event({ receivedAt: T0 + 1 })
    const b = event({ receivedAt: T0 + 2 })
    const both = event({ receivedAt: T0 + 3 })
    const none = event({ receivedAt: T0 + 4, source: 'quiet' })
    const noneElsewhere = event({ receivedAt: T0 + 5, source: 'other' })
    await store.intake.accept(a, [job({ location: 'loc-a' })])
    await store.intake.accept(b, [job({ location: 'loc-b' })])
    await store.intake.accept(both, [job({ location: 'loc-a' }), job({ location: 'loc-b' })])
    await store.intake.accept(none, [])
    await store.intake.accept(noneElsewhere, [])
    const ids = async (within: { locations: string[]; sources: string[] }) =>
      (await store.trail.listEvents({ limit: 10, within })).map((e) => e.id)
    t.same(await ids({ locations: ['loc-a'], sources: ['quiet'] }), [none.id, both.id, a.id])
    t.same(await ids({ locations: ['loc-b'], sources: [] }), [both.id, b.id])
    t.same(await ids({ locations: [], sources: [] }), [], 'an empty scope sees nothing')
    t.same(
      (await store.trail.listEvents({ limit: 1, within: { locations: ['loc-b'], sources: [] } })).map((e) => e.id),
      [both.id],
      'the limit counts only what is inside',
    )

    const jobs = await store.jobs.claim({ owner: 'w', limit: 10, leaseMs: 1000, now: T0 + 10 })
    for (const j of jobs) await store.jobs.fail(j.id, 'w', attempt({ outcome: 'dead', error: 'E: no' }), null)
    const dead = async (locations: string[]) =>
      (await store.deadLetters.list({ locations })).map((j) => j.location).sort()
    t.same(await dead(['loc-a']), ['loc-a', 'loc-a'])
    t.same(await dead(['loc-a', 'loc-b']), ['loc-a', 'loc-a', 'loc-b', 'loc-b'])
    t.same(await dead([]), [], 'an empty list matches nothing')
  })
}
