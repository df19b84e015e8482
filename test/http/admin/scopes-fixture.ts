import fc from 'fast-check'
import { locationInScope, type Scope } from '../../../src/common/scope.js'
import type { Store } from '../../../src/store/index.js'
import { ADMIN_TOKEN, HL_TOKEN, LOCATION_ID, SOURCE_TOKEN, build } from '../../helpers/build.js'
import { ManualClock } from '../../helpers/manual-clock.js'

type Tap = Parameters<typeof build>[0]

/** One location of the fixture: its key (what jobs carry), name, HighLevel id and company. */
export interface Loc {
  key: string
  name: string
  locationId: string
  companyId: string | null
}

const SIDE_ID = 'SideCfgLoc0000000001'
const installed = (locationId: string, name: string, companyId: string): Loc => ({
  key: locationId,
  name,
  locationId,
  companyId,
})

/** Two companies of two installed locations each, and two locations from the config file. */
export const LOCS: readonly Loc[] = [
  { key: 'main', name: 'main', locationId: LOCATION_ID, companyId: null },
  { key: 'side', name: 'side', locationId: SIDE_ID, companyId: null },
  installed('locA1zzzzzzzzzzzzzz1', 'Acme-Dental-One', 'co-A'),
  installed('locA2zzzzzzzzzzzzzz2', 'Acme-Dental-Two', 'co-A'),
  installed('locB1zzzzzzzzzzzzzz1', 'Bolt-Gym-One', 'co-B'),
  installed('locB2zzzzzzzzzzzzzz2', 'Bolt-Gym-Two', 'co-B'),
]

export const inScope = (scope: Scope, l: Loc): boolean =>
  locationInScope(scope, l.locationId, (id) => LOCS.find((x) => x.locationId === id)?.companyId ?? null)

/** What the fixture made: every event by its locations, dead letters and refused rows by location. */
export interface Made {
  events: Array<{ id: string; locations: string[]; home: string }>
  dead: Array<{ id: number; location: string }>
  refused: Array<{ id: string; location: string }>
}

let people = 0
const job = (location: string) => ({
  location,
  contact: { email: `p${++people}@example.com` },
  add: ['lead'],
  remove: [],
  rules: ['signup'],
})
const ev = (source: string, now: number) => ({
  id: `evt-${Math.random().toString(36).slice(2, 12)}-${++people}`,
  source,
  receivedAt: now,
  headers: { 'content-type': 'application/json' },
  body: { type: 'signup', email: 'x@example.com' },
  tags: ['lead'],
  explain: [],
})

/** The app with a registry holding the fixture's locations, and rows at every location. */
export async function scopedFixture(t: Tap) {
  const clock = new ManualClock(Date.now())
  const built = await build(t, {
    clock,
    registry: true,
    extra: { admin: { token: ADMIN_TOKEN } },
    locations: { side: { locationId: SIDE_ID, auth: { type: 'private-integration', token: HL_TOKEN } } },
    sources: {
      sideForm: { location: 'side', verify: { type: 'token', token: SOURCE_TOKEN } },
      perUrl: { location: { from: 'url' }, verify: { type: 'token', token: SOURCE_TOKEN } },
    },
  })
  const { app, store, locations } = built
  const now = clock.now()
  await locations!.saveAll(
    LOCS.filter((l) => l.companyId !== null).map((l) => ({
      locationId: l.locationId,
      name: l.name,
      companyId: l.companyId,
      tokenSource: 'company' as const,
      state: 'active' as const,
      stateReason: null,
      disabled: false,
      installedAt: now,
      updatedAt: now,
    })),
  )
  const made: Made = { events: [], dead: [], refused: [] }
  const accept = async (source: string, at: string[]) => {
    const e = ev(source, now)
    await store.intake.accept(e, at.map(job))
    made.events.push({ id: e.id, locations: at, home: source === 'sideForm' ? 'side' : 'main' })
  }
  for (const l of LOCS) for (let i = 0; i < 3; i++) await accept(l.key === 'side' ? 'sideForm' : 'forms', [l.key])
  await accept('forms', [LOCS[2]!.key, LOCS[4]!.key]) // one event, two companies
  await accept('open', []) // no jobs: belongs to its source's location (main)
  await accept('sideForm', [])
  const claimed = await store.jobs.claim({ owner: 'fixture', limit: 100, leaseMs: 60_000, now })
  // two of each location's three jobs die, one stays leased
  const seen = new Map<string, number>()
  for (const j of claimed) {
    const n = (seen.get(j.location) ?? 0) + 1
    seen.set(j.location, n)
    if (n > 2) continue
    const attempt = { startedAt: now, finishedAt: now + 1, outcome: 'dead' as const, statusCode: 422, error: 'E: no' }
    await store.jobs.fail(j.id, 'fixture', attempt, null)
    made.dead.push({ id: j.id, location: j.location })
  }
  // refused: by the source's location, and one whose URL names an installed location (B1)
  for (const path of ['forms', 'sideForm', 'forms', 'sideForm', `perUrl/${LOCS[4]!.locationId}`])
    await app.inject({ method: 'POST', url: `/hooks/${path}`, payload: { type: 'signup', email: 'r@example.com' } })
  // a refusal is kept after its 401 is answered: wait for the five rows themselves
  for (let looks = 0; (await store.refused.list({ limit: 100 })).length < 5; looks++) {
    if (looks > 10_000) throw new Error('the refused requests were not kept')
    await new Promise((resolve) => setImmediate(resolve))
  }
  for (const r of await store.refused.list({ limit: 100 })) {
    const named = LOCS.find((l) => l.locationId === r.urlLocation || l.name === r.urlLocation)
    made.refused.push({ id: r.id, location: named?.key ?? (r.source === 'sideForm' ? 'side' : 'main') })
  }
  if (!made.refused.some((r) => r.location === LOCS[4]!.key)) throw new Error('no refused request kept for B1')
  return { ...built, clock, made }
}

/** What must not change for rows outside a scope: read back whole, compared before and after. */
export async function outsideSnapshot(store: Store, made: Made, outside: (key: string) => boolean) {
  const events = []
  for (const e of made.events.filter((e) => eventOutside(e, outside))) {
    const got = await store.trail.getEvent(e.id)
    events.push({
      id: e.id,
      jobs: got?.jobs.map((j) => [j.id, j.status, j.runAt, j.attempts]),
      reruns: (await store.trail.listReruns(e.id)).length,
    })
  }
  const dead = []
  for (const d of made.dead.filter((d) => outside(d.location)))
    dead.push({ id: d.id, still: (await store.deadLetters.get(d.id)) !== undefined })
  const refused = []
  for (const r of made.refused.filter((r) => outside(r.location)))
    refused.push({ id: r.id, status: (await store.refused.get(r.id))?.status })
  const locations = []
  for (const l of LOCS.filter((l) => l.companyId !== null && outside(l.key)))
    locations.push(await store.directory.getLocation(l.locationId))
  return { events, dead, refused, locations }
}

/** An event is outside when every job is (or, without jobs, its source's location is). */
export const eventOutside = (e: Made['events'][number], outside: (key: string) => boolean): boolean =>
  e.locations.length > 0 ? e.locations.every(outside) : outside(e.home)

export const scopeArb: fc.Arbitrary<Scope> = fc.oneof(
  fc.constant<Scope>({ kind: 'all' }),
  fc.constantFrom('co-A', 'co-B', 'co-none').map((companyId): Scope => ({ kind: 'company', companyId })),
  fc
    .subarray(
      LOCS.map((l) => l.locationId),
      { minLength: 1 },
    )
    .map((locationIds): Scope => ({ kind: 'locations', locationIds })),
)

/** The words an answer must not hold for a scope: outside locations (id, key, quoted name), events, refused ids. */
export function forbidden(scope: Scope, made: Made): string[] {
  const out = LOCS.filter((l) => !inScope(scope, l))
  const outside = (key: string) => out.some((l) => l.key === key)
  return [
    ...out.flatMap((l) => [l.locationId, `"${l.name}"`, `"${l.key}"`]),
    ...made.events.filter((e) => eventOutside(e, outside)).map((e) => e.id),
    ...made.refused.filter((r) => outside(r.location)).map((r) => r.id),
  ]
}
