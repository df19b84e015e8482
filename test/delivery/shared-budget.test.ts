import t from 'tap'
import { LocalRateBudget, SharedRateBudget, type RateBudget } from '../../src/delivery/index.js'
import { HighLevelClient, HighLevelRateLimitedError, type LocationAuth } from '../../src/highlevel/index.js'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'
import { openStore } from '../../src/store/index.js'
import type { Tap } from '../store/fixtures.js'
import { freshSchema, postgresForTests } from '../store/helpers/postgres.js'

const url = await postgresForTests(t)
const LOC = 'sharedBudgetLoc0001'
const TOKEN = 'pit-shared-budget-0123'
const auth: LocationAuth = { locationId: LOC, accessToken: () => TOKEN }
/** the sandbox enforces 10 per 1,000 ms (wide enough for a loaded CI machine); each replica's budget keeps 3 % back: 9 per window */
const RATE = { max: 10, intervalMs: 1000, safetyMargin: 0.03, dailyReserve: 0 }
/**
 * 7 per window for the test that must see no 429 at all: a call reserved at the end of one
 * window can reach the sandbox in the next when the machine is busy (real time, real
 * PostgreSQL), and with 9 of 10 one late call was enough for a 429 at a CI load of 4.
 * Three replicas' own budgets would still send 21 in a window of 10.
 */
const RATE_WITH_ROOM = { ...RATE, safetyMargin: 0.3 }

interface Replica {
  budget: RateBudget
  local: LocalRateBudget
  client: HighLevelClient
}

/** One process's parts: its own store (pool), budget and HighLevel client reporting headers to it. */
async function replica(t: Tap, schema: string, sandbox: Sandbox, shared: boolean, rate = RATE): Promise<Replica> {
  const store = await openStore({ url: url!, postgres: { schema } })
  const local = new LocalRateBudget(rate)
  const budget = shared ? new SharedRateBudget(store.rateWindow!, local) : local
  const client = new HighLevelClient({ baseUrl: sandbox.url, onRateLimit: (id, info) => budget.observe(id, info) })
  t.teardown(async () => {
    await client.close()
    await store.close()
  })
  return { budget, local, client }
}

/** `n` tag calls through `r`, 10 in flight at once (the engine's default per location); counts 429s. */
async function send(r: Replica, contactIds: string[]): Promise<number> {
  let refused = 0
  const queue = [...contactIds]
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        await r.budget.take(LOC)
        try {
          await r.client.addTags(auth, id, ['shared'])
        } catch (err) {
          if (!(err instanceof HighLevelRateLimitedError)) throw err
          refused++
        } finally {
          r.budget.done(LOC)
        }
      }
    }),
  )
  return refused
}

async function setup(t: Tap, contacts: number): Promise<{ schema: string; sandbox: Sandbox; ids: string[] }> {
  const schema = freshSchema(t, url!)
  const sandbox = await startSandbox({
    tokens: { [TOKEN]: LOC },
    limits: { burst: RATE.max, intervalMs: RATE.intervalMs },
  })
  t.teardown(() => sandbox.close())
  const ids = Array.from(
    { length: contacts },
    (_, i) => sandbox.seedContact({ locationId: LOC, email: `s${i}@example.com` }).id,
  )
  return { schema, sandbox, ids }
}

if (url) {
  t.test('three replicas with the shared budget send 45 calls at their full rate and never see a 429', async (t) => {
    const { schema, sandbox, ids } = await setup(t, 45)
    const rs = [
      await replica(t, schema, sandbox, true, RATE_WITH_ROOM),
      await replica(t, schema, sandbox, true, RATE_WITH_ROOM),
      await replica(t, schema, sandbox, true, RATE_WITH_ROOM),
    ]
    const start = Date.now()
    const refused = await Promise.all(rs.map((r, i) => send(r, ids.slice(i * 15, i * 15 + 15))))
    const ms = Date.now() - start
    t.same(refused, [0, 0, 0], 'no call refused')
    t.equal(sandbox.rateLimited, 0, 'the sandbox answered no 429')
    t.equal(sandbox.calls['POST /contacts/:contactId/tags'], 45)
    t.ok(
      ids.every((id) => sandbox.getContact(id)?.tags.includes('shared')),
      'every contact tagged',
    )
    // 45 calls at 7 per interval (1,000 ms, padded by the round trip): 7 windows, the last opening after 6
    t.ok(ms >= 6 * 1000 && ms < 6 * 1000 + 5000, `${ms} ms for 45 calls: the limit, and not far beyond it`)
  })

  t.test(
    'the same replicas with only their own budgets blow the limit (what the shared budget prevents)',
    async (t) => {
      const { schema, sandbox, ids } = await setup(t, 27)
      const rs = [
        await replica(t, schema, sandbox, false),
        await replica(t, schema, sandbox, false),
        await replica(t, schema, sandbox, false),
      ]
      const refused = await Promise.all(rs.map((r, i) => send(r, ids.slice(i * 9, i * 9 + 9))))
      t.ok(
        sandbox.rateLimited >= 17,
        `27 calls in the first window, ${sandbox.rateLimited} answered 429 (${refused.join(', ')})`,
      )
    },
  )

  t.test("one replica's 429 pause holds the others, and they show it", async (t) => {
    const { schema, sandbox } = await setup(t, 0)
    const [a, b] = [await replica(t, schema, sandbox, true), await replica(t, schema, sandbox, true)]
    a!.budget.pause(LOC, 400, 'HighLevel answered 429; paused 400 ms')
    await new Promise((r) => setTimeout(r, 50)) // the shared pause is written in the background
    const start = Date.now()
    const taken = b!.budget.take(LOC)
    // b learns of the pause from its first reservation: wait for it, within a's 400 ms
    for (let i = 0; i < 30 && !b!.budget.status()[0]?.paused; i++) await new Promise((r) => setTimeout(r, 10))
    t.match(
      b!.budget.status()[0],
      {
        locationId: LOC,
        paused: true,
        reason: 'paused by another replica: HighLevel answered 429; paused 400 ms',
        http429: 0,
      },
      'b shows the pause while it waits',
    )
    await taken
    b!.budget.done(LOC)
    t.ok(Date.now() - start >= 300, `b waited out a's pause (${Date.now() - start} ms)`)
    t.match(a!.budget.status()[0], { http429: 1 }, 'the 429 counts where it was answered')
  })

  t.test('an abort cuts a take waiting for its shared slot', async (t) => {
    const { schema, sandbox } = await setup(t, 0)
    const r = await replica(t, schema, sandbox, true)
    // another replica reserved this window's slots
    const other = await replica(t, schema, sandbox, true)
    for (let i = 0; i < 9; i++) await other.budget.take(LOC)
    const ac = new AbortController()
    const start = Date.now()
    const waiting = r.budget.take(LOC, ac.signal)
    setTimeout(() => ac.abort(), 50)
    await t.rejects(waiting, { name: 'AbortError' })
    t.ok(Date.now() - start < 400, 'cut before the slot came')
  })
}
