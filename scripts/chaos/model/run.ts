import { systemClock } from '../../../src/common/clock.js'
import { setTimeout as sleep } from 'node:timers/promises'
import pino from 'pino'
import { deliverySchema } from '../../../src/config/index.js'
import { DeliveryWorker, LocalRateBudget } from '../../../src/delivery/index.js'
import { HighLevelClient, type LocationAuth } from '../../../src/highlevel/index.js'
import { judge } from '../../../src/ingest/index.js'
import { compileRules, ruleSchema } from '../../../src/rules/index.js'
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js'
import { openStore, type Store } from '../../../src/store/index.js'
import { between, seededRandom } from '../random.js'
import { DeadSwitch } from './kill.js'
import { knownContact, runOracle } from './oracle.js'
import { rulesConfig, type Scenario } from './scenario.js'

const LOCATION = 'modelLocation0000001'
const TOKEN = 'pit-model-0123456789abcdef'
const SOURCE = { name: 'shop', location: 'main', secretHeaders: [], secretQuery: [] }

export interface ScenarioOutcome {
  mismatch: boolean
  unexpectedDeadLetters: number
  /** what differed, for the log */
  detail?: { expected: string[]; actual: string[]; unexpectedDead: string[]; missingDead: string[] }
}

/**
 * Runs one scenario through the real pipeline: the rules judge each event, the store
 * accepts it, the delivery engine delivers it to the sandbox (with the scenario's faults,
 * contacts deleted between events, and workers stopped mid-round and replaced), then the
 * sandbox's contacts and the dead letters are compared with the oracle's.
 */
export interface RunOptions {
  /** delivery killed this many times per scenario (a dead switch, then a new worker that takes over) */
  kills?: number
  /** delivery.leaseMs (default 30 s, the service's) */
  leaseMs?: number
}

/**
 * The not-found window. A burst's events come well within it; before each drain the
 * model's clock jumps past it, so a person nobody created by then is a dead letter at
 * its next attempt, as the oracle says, without waiting out the window in real time.
 */
const NOT_FOUND_WINDOW_MS = 60_000

export async function runScenario(scenario: Scenario, opts: RunOptions = {}): Promise<ScenarioOutcome> {
  const random = seededRandom(scenario.seed ^ 0x5bd1e995)
  const { faults } = scenario
  const sandbox = await startSandbox({
    tokens: { [TOKEN]: LOCATION },
    faults: {
      errorRates: { '503': faults.e5xx, '429': faults.e429 },
      timeoutRate: faults.timeout,
      resetRate: faults.reset,
      retryAfterSec: 0,
    },
    random: seededRandom(scenario.seed),
    // HighLevel's 100 per 10 s, at 500x: a window is 20 real ms (the budget below matches it)
    clockScale: 500,
    // Search Contacts sees a created or changed contact only 10 sandbox minutes later (1.2 real
    // s): the engine's batched search misses every contact made during a scenario, so whom it
    // misses must be confirmed by the duplicate search, never created twice
    searchIndexDelayMs: 600_000,
  })
  const store = await openStore({ url: 'sqlite::memory:' })
  const client = new HighLevelClient({ baseUrl: sandbox.url, timeoutMs: 40 })
  try {
    return await drive(scenario, sandbox, store, client, random, opts)
  } finally {
    await client.close()
    await store.close()
    await sandbox.close()
  }
}

async function drive(
  scenario: Scenario,
  sandbox: Sandbox,
  store: Store,
  client: HighLevelClient,
  random: () => number,
  opts: RunOptions,
): Promise<ScenarioOutcome> {
  const rules = compileRules(ruleSchema.array().parse(rulesConfig(scenario)))
  for (const p of scenario.people)
    if (p.existing) sandbox.seedContact({ locationId: LOCATION, email: p.email, phone: p.phone, tags: p.existing })
  const locations = new Map<string, LocationAuth>([['main', { locationId: LOCATION, accessToken: () => TOKEN }]])
  let skew = 0
  const now = (): number => Date.now() + skew
  const newWorker = (dead?: DeadSwitch) =>
    new DeliveryWorker({
      ...deliverySchema.parse({}),
      clock: { ...systemClock, now },
      store: dead ? dead.store(store) : store,
      client: dead ? dead.client(client) : client,
      locations,
      logger: pino({ level: 'silent' }),
      batchSize: 100,
      pollIntervalMs: 2,
      leaseMs: opts.leaseMs ?? 30_000,
      backoff: { baseMs: 1, maxMs: 4 },
      retryMaxAttempts: 10_000,
      // a 429 spends the window: with the sandbox's window scaled to 20 ms it costs 20 ms, not 10 s
      budget: new LocalRateBudget({ max: 100, intervalMs: 20, safetyMargin: 0.03, dailyReserve: 0 }),
      contactNotFoundRetryHours: NOT_FOUND_WINDOW_MS / 3_600_000,
      circuitBreaker: { failures: 5, probeBaseMs: 2, probeMaxMs: 8 },
    })
  let worker = newWorker()
  const events = scenario.steps.flatMap((s, i) => (s.type === 'event' ? [i] : []))
  // the steps after which delivery is killed once (a step may be drawn twice: two kills)
  const kills = Array.from({ length: opts.kills ?? 0 }, () => events[between(random, 0, events.length - 1)])
  const kill = async (): Promise<void> => {
    // killed at a random moment of a delivery: after 1-4 HighLevel answers (the last one
    // applied but never heard), or 0-6 ms in; then a new process takes the store over
    const dead = new DeadSwitch()
    if (random() < 0.6) dead.afterCalls = between(random, 1, 4)
    const doomed = newWorker(dead)
    const timer = dead.afterCalls > 0 ? undefined : setTimeout(() => dead.kill(), between(random, 0, 6))
    await doomed.runOnce().catch(() => undefined)
    clearTimeout(timer)
    dead.kill()
    worker = newWorker()
    await worker.takeOver()
  }
  const stepOf = new Map<string, number>()
  const lastKnown = new Map<number, string>()
  let restart = false
  for (const [index, step] of scenario.steps.entries()) {
    if (step.type === 'restart') restart = true
    if (step.type === 'delete') {
      const person = scenario.people[step.person]
      for (const c of sandbox.listContacts(LOCATION))
        if (c.email === person?.email || c.phone === person?.phone) sandbox.deleteContact(c.id)
    }
    if (step.type !== 'event') continue
    const person = scenario.people[step.person]!
    const current = knownContact(sandbox.listContacts(LOCATION), person)
    if (current) lastKnown.set(step.person, current.id)
    const id = `model-${scenario.seed}-${index}`
    stepOf.set(id, index)
    const named = step.sendId ? lastKnown.get(step.person) : undefined
    const body = { kind: step.kind, total: step.total, email: person.email, phone: person.phone, name: `N${index}` }
    const receivedAt = now()
    const judgement = judge(rules, SOURCE, {
      body: named ? { ...body, contactId: named } : body,
      headers: {},
      query: {},
      receivedAt,
    })
    await store.intake.accept(
      { id, source: 'shop', receivedAt, headers: {}, body, tags: judgement.tags, explain: null },
      judgement.jobs,
    )
    if (restart) {
      // a worker stopped mid-delivery (its leases released, calls cut) and a fresh one after it
      restart = false
      worker.start()
      await sleep(between(random, 0, 4))
      await worker.stop(between(random, 0, 3))
      worker = newWorker()
    }
    for (const k of kills) if (k === index) await kill()
    // a burst goes on: at most one round before its next event, the queue not drained
    const next = scenario.steps[index + 1]
    if (next?.type === 'event' && next.burst) {
      if (step.deliver) await worker.runOnce()
      continue
    }
    skew += NOT_FOUND_WINDOW_MS
    await drain(worker, store)
  }
  return compare(scenario, sandbox, store, stepOf)
}

async function drain(worker: DeliveryWorker, store: Store): Promise<void> {
  const end = Date.now() + 120_000 // real time: a loaded machine runs 8 scenarios at once
  while (Date.now() < end) {
    if ((await worker.runOnce()) > 0) continue
    if ((await store.housekeeping.countJobs('pending')) === 0) return
    await sleep(1)
  }
  throw new Error('the queue did not drain within 120 s')
}

async function compare(
  scenario: Scenario,
  sandbox: Sandbox,
  store: Store,
  stepOf: Map<string, number>,
): Promise<ScenarioOutcome> {
  const oracle = runOracle(scenario)
  const line = (c: { email: string | null; phone: string | null; tags: Iterable<string> }) =>
    `${c.email ?? ''}|${c.phone ?? ''}|${[...c.tags].sort().join(',')}`
  const expected = oracle.contacts.map(line).sort()
  const actual = sandbox.listContacts(LOCATION).map(line).sort()
  if (process.env.MODEL_DEBUG)
    for (const j of await store.housekeeping.listJobs())
      console.log(stepOf.get(j.eventId), j.id, j.seq, j.status, j.attempts, j.contact, j.add, j.remove, j.lastError)
  const dead = (await store.deadLetters.list({ limit: 100_000 })).map(
    (j) =>
      `${stepOf.get(j.eventId)}|${j.contact.id !== undefined ? 'id' : `email:${j.contact.email ?? ''}|phone:${j.contact.phone ?? ''}`}`,
  )
  const unexpectedDead = dead.filter((d) => !oracle.dead.has(d))
  const missingDead = [...oracle.dead].filter((d) => !dead.includes(d))
  const mismatch = JSON.stringify(expected) !== JSON.stringify(actual) || missingDead.length > 0
  return {
    mismatch,
    unexpectedDeadLetters: unexpectedDead.length,
    ...(mismatch || unexpectedDead.length > 0 ? { detail: { expected, actual, unexpectedDead, missingDead } } : {}),
  }
}
