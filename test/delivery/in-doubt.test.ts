import pino from 'pino'
import t from 'tap'
import { systemClock } from '../../src/common/clock.js'
import { DeliveryWorker, LocalRateBudget, type EngineClient } from '../../src/delivery/index.js'
import { HighLevelClient, type LocationAuth } from '../../src/highlevel/index.js'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'
import type { NewJob, Store } from '../../src/store/index.js'
import { DeadSwitch } from '../../scripts/chaos/model/kill.js'
import { storeKinds } from '../helpers/store-kinds.js'
import { deliveryDefaults } from '../helpers/delivery.js'

/**
 * Jobs in doubt (issue 24, fewer duplicate writes): a process killed after HighLevel
 * applied its calls and before it recorded them, or a lease that ran out, leaves jobs
 * whose calls may have landed. Their next round reads each contact and sends only what
 * is not there yet, with the default lease, on both stores.
 */
const LOCATION = 'inDoubtLocation00001'
const TOKEN = 'pit-in-doubt-0123456789'
const LEASE_MS = 30_000

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

interface Rig {
  sandbox: Sandbox
  client: HighLevelClient
  now: { t: number }
}

async function rigFor(t: Tap): Promise<Rig> {
  const sandbox = await startSandbox({ tokens: { [TOKEN]: LOCATION } })
  const client = new HighLevelClient({ baseUrl: sandbox.url, timeoutMs: 5_000 })
  t.teardown(async () => {
    await client.close()
    await sandbox.close()
  })
  return { sandbox, client, now: { t: Date.now() } }
}

function worker(rig: Rig, store: Store, client: EngineClient): DeliveryWorker {
  const locations = new Map<string, LocationAuth>([['main', { locationId: LOCATION, accessToken: () => TOKEN }]])
  return new DeliveryWorker({
    ...deliveryDefaults(),
    store,
    client,
    locations,
    logger: pino({ level: 'silent' }),
    batchSize: 100,
    pollIntervalMs: 60_000,
    leaseMs: LEASE_MS,
    backoff: { baseMs: 5_000, maxMs: 5_000 },
    budget: new LocalRateBudget({ max: 100, intervalMs: 10_000, safetyMargin: 0.03, dailyReserve: 0 }),
    clock: { ...systemClock, now: () => rig.now.t },
  })
}

let n = 0
async function accept(store: Store, at: number, jobs: Partial<NewJob>[]): Promise<void> {
  const id = `evt-in-doubt-${++n}-${Math.random().toString(36).slice(2)}`
  await store.intake.accept(
    { id, source: 'shop', receivedAt: at, headers: {}, body: {}, tags: [], explain: null },
    jobs.map((j) => ({ location: 'main', contact: {}, add: [], remove: [], rules: ['r'], ...j })),
  )
}

/** The restarted process: SQLite takes the file over; PostgreSQL waits for the lease to run out. */
async function restart(rig: Rig, store: Store): Promise<DeliveryWorker> {
  const next = worker(rig, store, rig.client)
  await next.takeOver()
  if (store.kind === 'postgres') rig.now.t += LEASE_MS + 1_000
  return next
}

const tagWrites = (s: Sandbox): number =>
  (s.calls['POST /contacts/:contactId/tags'] ?? 0) +
  (s.calls['DELETE /contacts/:contactId/tags'] ?? 0) +
  (s.calls['POST /contacts/bulk/tags/update/:type'] ?? 0)

for (const { name, open } of await storeKinds(t, 'in-doubt')) {
  t.test(
    `${name}: killed after HighLevel applied a bulk add, before its answer: no tag is written twice`,
    async (t) => {
      const rig = await rigFor(t)
      const people = ['ada', 'bob', 'cy'].map((p) =>
        rig.sandbox.seedContact({ locationId: LOCATION, email: `${p}@example.com`, tags: ['lead'] }),
      )
      const openStore = open(t)
      const first = await openStore()
      for (const p of people) await accept(first, rig.now.t, [{ contact: { id: p.id }, add: ['subscribed'] }])
      const dead = new DeadSwitch()
      await worker(rig, dead.store(first), dead.client(rig.client, 'bulkTags'))
        .runOnce()
        .catch(() => undefined)
      t.ok(dead.on, 'the first process died with the bulk call applied')
      const second = await openStore()
      t.teardown(async () => {
        await second.close()
        await first.close()
      })
      const writes = tagWrites(rig.sandbox)
      const next = await restart(rig, second)
      await next.runOnce()
      t.equal(await second.housekeeping.countJobs('pending'), 0, 'every job done')
      t.equal(tagWrites(rig.sandbox) - writes, 0, 'no tag write after the restart')
      t.equal(rig.sandbox.calls['GET /contacts/:contactId'], 3, 'one read per contact in doubt')
      for (const p of people) {
        t.same(rig.sandbox.repeatedTagAdds(p.id), {}, `${p.email}: no tag added twice`)
        t.same([...(rig.sandbox.getContact(p.id)?.tags ?? [])].sort(), ['lead', 'subscribed'])
      }
      const [job] = await second.housekeeping.listJobs()
      const trail = await second.trail.listAttempts(job!.eventId)
      t.match(trail.at(-1), { outcome: 'done', response: { added: [], alreadyApplied: ['subscribed'] } })
    },
  )

  t.test(`${name}: a job in doubt sends only what the contact does not show yet`, async (t) => {
    const rig = await rigFor(t)
    // as if the dead process's add reached HighLevel for one tag of two, and its removal too
    const ada = rig.sandbox.seedContact({ locationId: LOCATION, email: 'ada@example.com', tags: ['vip'] })
    const bob = rig.sandbox.seedContact({ locationId: LOCATION, email: 'bob@example.com', tags: ['lead'] })
    const store = await open(t)()
    t.teardown(() => store.close())
    await accept(store, rig.now.t, [
      { contact: { email: 'ada@example.com' }, add: ['subscribed', 'VIP'], remove: ['lead'] },
    ])
    // a fresh job of another person, claimed for the first time: not in doubt, written blind
    const claimed = await store.jobs.claim({ owner: 'dead', limit: 10, leaseMs: LEASE_MS, now: rig.now.t })
    t.equal(claimed.length, 1, 'the dead owner held the job')
    await accept(store, rig.now.t, [{ contact: { id: bob.id }, add: ['lead'] }])
    const next = await restart(rig, store)
    await next.runOnce()
    t.equal(await store.housekeeping.countJobs('pending'), 0)
    t.same([...(rig.sandbox.getContact(ada.id)?.tags ?? [])].sort(), ['subscribed', 'vip'])
    t.equal(rig.sandbox.calls['GET /contacts/:contactId'], 1, 'only the contact in doubt is read')
    t.equal(rig.sandbox.calls['POST /contacts/:contactId/tags'], 2, "ada's missing tag and bob's add, one call each")
    t.equal(rig.sandbox.calls['DELETE /contacts/:contactId/tags'] ?? 0, 0, "ada's removal already happened")
    t.same(rig.sandbox.repeatedTagAdds(bob.id), { lead: 1 }, 'a job not in doubt is not read: written as it is')
    const trail = await store.trail.listAttempts(claimed[0]!.eventId)
    t.match(trail.at(-1), { outcome: 'done', response: { added: ['subscribed'], alreadyApplied: ['VIP', 'lead'] } })
  })
}
