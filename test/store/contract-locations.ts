import type { Store, StoredLocation } from '../../src/store/index.js'
import { event, job, T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'

const installed = (id: string, overrides: Partial<StoredLocation> = {}): StoredLocation => ({
  locationId: id,
  name: `name-${id}`,
  companyId: 'company-1',
  tokenSource: 'company',
  state: 'active',
  stateReason: null,
  disabled: false,
  installedAt: T0,
  updatedAt: T0,
  ...overrides,
})

/** Installed locations and the scheduler's questions to the queue. */
export function locationsContract(t: Tap, fresh: (t: Tap) => Promise<Store>): void {
  t.test('locations: saved, read back, replaced whole, listed by change', async (t) => {
    const { directory } = await fresh(t)
    t.same(await directory.listLocations(), [])
    t.equal(await directory.getLocation('loc-a'), undefined)
    await directory.saveLocation(installed('loc-a'))
    await directory.saveLocation(installed('loc-b', { companyId: null, tokenSource: 'location', updatedAt: T0 + 5 }))
    t.same(await directory.getLocation('loc-a'), installed('loc-a'))
    await directory.saveLocation(installed('loc-a', { name: 'renamed', disabled: true, updatedAt: T0 + 10 }))
    t.same(
      await directory.getLocation('loc-a'),
      installed('loc-a', { name: 'renamed', disabled: true, updatedAt: T0 + 10 }),
    )
    t.same(
      (await directory.listLocations()).map((l) => l.locationId),
      ['loc-a', 'loc-b'],
    )
    t.same(
      (await directory.listLocations(T0 + 5)).map((l) => l.name),
      ['renamed'],
      'only rows changed after the given time',
    )
  })

  t.test('locations: removing one dead-letters its pending jobs with the reason, and only its own', async (t) => {
    const store = await fresh(t)
    await store.directory.saveLocation(installed('loc-a'))
    const e = event()
    await store.intake.accept(e, [job({ location: 'loc-a' }), job({ location: 'loc-a' }), job({ location: 'loc-b' })])
    const n = await store.directory.removeLocation('loc-a', 'removed by the admin', T0 + 100)
    t.equal(n, 2)
    const dead = await store.deadLetters.list()
    t.same(
      dead.map((j) => [j.location, j.lastError]),
      [
        ['loc-a', 'removed by the admin'],
        ['loc-a', 'removed by the admin'],
      ],
    )
    t.equal(await store.housekeeping.countJobs('pending'), 1)
    t.match(await store.directory.getLocation('loc-a'), { state: 'removed', stateReason: 'removed by the admin' })
  })

  t.test('locations: many saved in one call', async (t) => {
    const { directory } = await fresh(t)
    await directory.saveLocations([installed('m1'), installed('m2'), installed('m1', { name: 'last wins' })])
    t.same(
      (await directory.listLocations()).map((l) => [l.locationId, l.name]),
      [
        ['m1', 'last wins'],
        ['m2', 'name-m2'],
      ],
    )
    await directory.saveLocations([])
  })

  t.test('companies: saved and read back', async (t) => {
    const { directory } = await fresh(t)
    t.equal(await directory.getCompany('c1'), undefined)
    const c = { companyId: 'c1', state: 'active' as const, stateReason: null, installedAt: T0, updatedAt: T0 }
    await directory.saveCompany(c)
    await directory.saveCompany({ ...c, state: 'revoked', stateReason: 'uninstalled', updatedAt: T0 + 1 })
    t.same(await directory.getCompany('c1'), { ...c, state: 'revoked', stateReason: 'uninstalled', updatedAt: T0 + 1 })
  })

  t.test('agenda: due locations and the next due time of one', async (t) => {
    const store = await fresh(t)
    const e = event({ receivedAt: T0 })
    await store.intake.accept(e, [job({ location: 'a' }), job({ location: 'b' }), job({ location: 'b' })])
    t.same((await store.jobs.dueLocations(T0 - 1, 10)).sort(), [], 'nothing due before its time')
    t.same((await store.jobs.dueLocations(T0, 10)).sort(), ['a', 'b'])
    t.equal((await store.jobs.dueLocations(T0, 1)).length, 1, 'limit holds')
    t.equal(await store.jobs.nextDueAt('a'), T0)
    t.equal(await store.jobs.nextDueAt('none'), null)
    const claimed = await store.jobs.claim({ owner: 'w', limit: 10, leaseMs: 1_000, now: T0, location: 'a' })
    t.equal(claimed.length, 1)
    t.same(await store.jobs.dueLocations(T0 + 10, 10), ['b'], 'a leased job is not due')
    t.equal(await store.jobs.nextDueAt('a'), T0 + 1_000, 'due again when its lease ends')
  })
}
