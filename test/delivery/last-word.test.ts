import { systemClock } from '../../src/common/clock.js'
import pino from 'pino'
import t from 'tap'
import { DeliveryWorker, LocalRateBudget, type EngineClient } from '../../src/delivery/index.js'
import { HighLevelClient, type LocationAuth } from '../../src/highlevel/index.js'
import { judge } from '../../src/ingest/index.js'
import { compileRules, ruleSchema } from '../../src/rules/index.js'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { storeKinds } from '../helpers/store-kinds.js'
import { DeadSwitch } from '../../scripts/chaos/model/kill.js'
import { deliveryDefaults, hours } from '../helpers/delivery.js'

/**
 * Issue 24's two scenarios, through the real pipeline (judge, store, engine, sandbox):
 * a process killed while an opt-in is in flight must not re-subscribe a person whose
 * opt-out came after it, and a not-found retry must not undo a later creating event.
 *
 * A "kill" here is a dead switch on one worker (scripts/chaos/model/kill.ts): from the moment it flips, every store
 * write and every HighLevel answer of that worker fails, as after a SIGKILL nothing of
 * the process is written any more; what HighLevel already applied stays applied. The
 * "restarted process" is a new worker with a new owner, on its own store connection.
 */
const LOCATION = 'lastWordLocation0001'
const TOKEN = 'pit-last-word-0123456789'
const SOURCE = { name: 'shop', location: 'main', secretHeaders: [], secretQuery: [] }
const LEASE_MS = 30_000 // the default: the bug needs a lease longer than the restart

interface Rig {
  sandbox: Sandbox
  client: HighLevelClient
  open: () => Promise<Store>
  now: { t: number }
}

function worker(rig: Rig, store: Store, client: EngineClient, notFoundMs = 0, backoffMs = 5_000): DeliveryWorker {
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
    backoff: { baseMs: backoffMs, maxMs: backoffMs },
    budget: new LocalRateBudget({ max: 100, intervalMs: 10_000, safetyMargin: 0.03, dailyReserve: 0 }),
    contactNotFoundRetryHours: hours(notFoundMs),
    clock: { ...systemClock, now: () => rig.now.t },
  })
}

async function accept(
  at: { t: number },
  store: Store,
  rules: ReturnType<typeof compileRules>,
  n: number,
  kind: string,
  email: string,
) {
  const body = { kind, email }
  const j = judge(rules, SOURCE, { body, headers: {}, query: {}, receivedAt: at.t })
  await store.intake.accept(
    {
      id: `evt-${kind}-${n}-${Math.random().toString(36).slice(2)}`,
      source: 'shop',
      receivedAt: at.t,
      headers: {},
      body,
      tags: j.tags,
      explain: null,
    },
    j.jobs,
  )
}

const rules = (r: unknown[]) => compileRules(ruleSchema.array().parse(r))
const optRules = rules([
  {
    name: 'optin',
    source: 'shop',
    when: { field: 'kind', equals: 'optin' },
    contact: { email: 'email' },
    tags: ['subscribed'],
  },
  {
    name: 'optout',
    source: 'shop',
    when: { field: 'kind', equals: 'optout' },
    contact: { email: 'email' },
    untag: ['subscribed'],
  },
])

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

async function rigFor(t: Tap, open: () => Promise<Store>): Promise<Rig> {
  const sandbox = await startSandbox({ tokens: { [TOKEN]: LOCATION } })
  const client = new HighLevelClient({ baseUrl: sandbox.url, timeoutMs: 5_000 })
  t.teardown(async () => {
    await client.close()
    await sandbox.close()
  })
  return { sandbox, client, open, now: { t: Date.now() } }
}

const tagsOf = (sandbox: Sandbox, email: string): string[] =>
  [...(sandbox.listContacts(LOCATION).find((c) => c.email === email)?.tags ?? [])].sort()

for (const { name, open } of await storeKinds(t, 'last-word'))
  for (const killAt of ['addTags', 'searchContacts'] as const)
    t.test(
      `${name}: killed ${killAt === 'addTags' ? 'after HighLevel applied the opt-in, before its answer' : 'while the opt-in was looked up'}; the later opt-out stays the last word`,
      async (t) => {
        const rig = await rigFor(t, open(t))
        rig.sandbox.seedContact({ locationId: LOCATION, email: 'ada@example.com', tags: ['lead'] })
        const first = await rig.open()
        const dead = new DeadSwitch()
        await accept(rig.now, first, optRules, 1, 'optin', 'ada@example.com')
        const doomed = worker(rig, dead.store(first), dead.client(rig.client, killAt))
        await doomed.runOnce().catch(() => undefined)
        t.ok(dead.on, 'the first process died mid-round')
        if (killAt === 'addTags')
          t.same(tagsOf(rig.sandbox, 'ada@example.com'), ['lead', 'subscribed'], 'HighLevel applied the opt-in')
        // the restarted process, on the same store
        const second = await rig.open()
        t.teardown(async () => {
          await second.close()
          await first.close()
        })
        const next = worker(rig, second, rig.client)
        await next.takeOver()
        rig.now.t += 2_000
        await accept(rig.now, second, optRules, 2, 'optout', 'ada@example.com')
        await next.runOnce()
        rig.now.t += LEASE_MS + 1_000 // the dead process's lease has run out by now in any case
        await next.runOnce()
        await next.runOnce()
        t.equal(await second.housekeeping.countJobs('pending'), 0, 'everything delivered')
        t.same(tagsOf(rig.sandbox, 'ada@example.com'), ['lead'], 'unsubscribed, as the last event said')
      },
    )

t.test('a not-found retry does not undo a later event that created the contact', async (t) => {
  const rig = await rigFor(t, () => openStore({ url: 'sqlite::memory:' }))
  const store = await rig.open()
  t.teardown(() => store.close())
  const leadRules = rules([
    {
      name: 'lead',
      source: 'shop',
      when: { field: 'kind', equals: 'lead' },
      contact: { email: 'email' },
      tags: ['a'],
      untag: ['b'],
    },
    {
      name: 'convert',
      source: 'shop',
      when: { field: 'kind', equals: 'convert' },
      contact: { email: 'email', create: { firstName: 'email' } },
      tags: ['b'],
      untag: ['a'],
    },
  ])
  // a retry 0-60 s after the lookup: the convert (1 ms later) comes before it but for a 1 in 60,000 draw
  const w = worker(rig, store, rig.client, 24 * 3_600_000, 60_000)
  await accept(rig.now, store, leadRules, 1, 'lead', 'q@example.com')
  await w.runOnce()
  t.match(
    await store.housekeeping.listJobs(),
    [{ status: 'pending', attempts: 1 }],
    'not found: the lead waits for its retry',
  )
  rig.now.t += 1
  await accept(rig.now, store, leadRules, 2, 'convert', 'q@example.com')
  for (let i = 0; i < 10 && (await store.housekeeping.countJobs('pending')) > 0; i++) {
    await w.runOnce()
    rig.now.t += 60_000 // past any retry of the lead
  }
  t.equal(await store.housekeeping.countJobs('pending'), 0)
  t.same(tagsOf(rig.sandbox, 'q@example.com'), ['b'], 'the convert came last: [b]')
})

t.test(
  'a replayed dead letter obeys the fence: superseded by the later event, not sent, and the trail says so',
  async (t) => {
    const rig = await rigFor(t, () => openStore({ url: 'sqlite::memory:' }))
    const store = await rig.open()
    t.teardown(() => store.close())
    rig.sandbox.seedContact({ locationId: LOCATION, email: 'ada@example.com', tags: ['lead'] })
    await accept(rig.now, store, optRules, 1, 'optin', 'ada@example.com')
    const [optin] = await store.jobs.claim({ owner: 'x', limit: 1, leaseMs: 1000, now: rig.now.t })
    await store.jobs.fail(
      optin!.id,
      'x',
      { startedAt: rig.now.t, finishedAt: rig.now.t, outcome: 'dead', error: 'E: gave up' },
      null,
    )
    await accept(rig.now, store, optRules, 2, 'optout', 'ada@example.com')
    const w = worker(rig, store, rig.client)
    await w.runOnce()
    const calls = rig.sandbox.calls.total
    await store.deadLetters.replay([optin!.id], rig.now.t)
    t.equal(await w.runOnce(), 1, 'the replayed opt-in is handled')
    t.same(tagsOf(rig.sandbox, 'ada@example.com'), ['lead'], 'still unsubscribed')
    t.equal(rig.sandbox.calls.total - calls, 0, 'nothing sent to HighLevel for it')
    const optout = (await store.housekeeping.listJobs()).find((j) => j.id !== optin!.id)!
    const trail = await store.trail.listAttempts(optin!.eventId)
    t.match(trail.at(-1), {
      outcome: 'done',
      response: { superseded: [{ tag: 'subscribed', byEvent: optout.eventId }] },
    })
  },
)
