import t from 'tap'
import { LocalRateBudget } from '../../src/delivery/index.js'
import { ManualClock } from '../helpers/manual-clock.js'

const info = (
  over: Partial<Record<'max' | 'remaining' | 'intervalMs' | 'dailyLimit' | 'dailyRemaining', number | null>>,
) => ({
  max: null,
  remaining: null,
  intervalMs: null,
  dailyLimit: null,
  dailyRemaining: null,
  ...over,
})

async function takeN(budget: LocalRateBudget, loc: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await budget.take(loc)
    budget.done(loc)
  }
}

t.test('a window allows max less the margin, then waits for the next window', async (t) => {
  const clock = new ManualClock()
  const budget = new LocalRateBudget(
    { max: 10, intervalMs: 1000, safetyMargin: 0.2, dailyReserve: 0 },
    undefined,
    clock,
  )
  const start = clock.now()
  await takeN(budget, 'L', 8)
  t.equal(clock.now(), start, 'eight at once: no time passed')
  t.match(budget.status()[0], { locationId: 'L', used: 8, capacity: 8, paused: false })
  let ninth = false
  const taking = takeN(budget, 'L', 1).then(() => (ninth = true))
  await clock.untilSleeping()
  await clock.advance(1000)
  t.equal(ninth, false, 'the ninth still waits at the interval (the window ends a guard after it)')
  await clock.advance(5)
  await taking
  t.equal(clock.now() - start, 1005, 'the ninth waits for the window: the interval plus a 5 ms guard')
})

t.test('a window whose first answer came late, or never, ends an interval after that answer', async (t) => {
  // HighLevel's window opens when its first request arrives: on a busy machine that can
  // be well after the budget opened its own, and the answer saying so can be lost
  const clock = new ManualClock()
  const budget = new LocalRateBudget({ max: 4, intervalMs: 1000, safetyMargin: 0, dailyReserve: 0 }, undefined, clock)
  const start = clock.now()
  for (let i = 0; i < 4; i++) await budget.take('L')
  await clock.advance(50) // the four reach the server: its window runs from 50 ms to 1050 ms
  for (const remaining of [2, 1, 0]) {
    budget.observe('L', info({ max: 4, remaining, intervalMs: 1000 }))
    budget.done('L')
  }
  await clock.advance(450)
  budget.done('L') // the first, whose answer (Remaining 3) never came: the client timed out
  let opened = 0
  const next = budget.take('L').then(() => (opened = clock.now() - start))
  await clock.untilSleeping()
  await clock.advance(1049 - 500)
  t.equal(opened, 0, "not at 1005 ms (the budget's own window), nor while the server's still runs")
  await clock.advance(6)
  await next
  t.equal(opened, 1055, 'the next window opens an interval and a guard after the first answer')
})

t.test('a window whose every request went unanswered ends an interval after the first of them ended', async (t) => {
  const clock = new ManualClock()
  const budget = new LocalRateBudget({ max: 2, intervalMs: 1000, safetyMargin: 0, dailyReserve: 0 }, undefined, clock)
  const start = clock.now()
  await budget.take('L')
  await budget.take('L')
  await clock.advance(500)
  budget.done('L')
  budget.done('L')
  const next = budget.take('L').then(() => clock.now() - start)
  await clock.untilSleeping()
  await clock.advance(2000)
  t.equal(await next, 1505, 'a request may have reached the server as late as it ended')
})

t.test('locations have separate budgets', async (t) => {
  const clock = new ManualClock()
  const budget = new LocalRateBudget({ max: 2, intervalMs: 10_000, safetyMargin: 0, dailyReserve: 0 }, undefined, clock)
  await takeN(budget, 'A', 2)
  const start = clock.now()
  await takeN(budget, 'B', 2)
  t.equal(clock.now(), start, 'B is not held up by A')
  t.equal(clock.sleeping, 0, 'nothing waited')
})

t.test('a Remaining below our own count (another client) caps the window', async (t) => {
  const budget = new LocalRateBudget({ max: 100, intervalMs: 10_000, safetyMargin: 0.03, dailyReserve: 0 })
  await budget.take('L')
  budget.observe('L', info({ max: 100, remaining: 10 }))
  budget.done('L')
  t.equal(budget.status()[0]?.used, 90)
  budget.observe('L', info({ max: 100, remaining: 99 }))
  t.equal(budget.status()[0]?.used, 1, 'a new server window (Remaining = Max - 1) resets the count to what it counted')
})

t.test('the daily reserve pauses the location until the day resets, and says why', async (t) => {
  const pauses: string[] = []
  const budget = new LocalRateBudget(
    { max: 100, intervalMs: 10_000, safetyMargin: 0, dailyReserve: 500 },
    (loc, _until, reason) => pauses.push(`${loc}: ${reason}`),
  )
  budget.observe('L', info({ dailyRemaining: 499 }))
  const s = budget.status()[0]
  t.equal(s?.paused, true)
  t.ok((s?.pausedUntil ?? 0) > Date.now())
  t.equal(new Date(s?.pausedUntil ?? 0).getUTCHours(), 0, 'until UTC midnight')
  t.match(pauses, [/L: daily budget down to 499/])
  const ac = new AbortController()
  const waiting = budget.take('L', ac.signal)
  ac.abort()
  await t.rejects(waiting, { name: 'AbortError' }, 'a paused take is cut by the abort signal')
})

t.test('a 429 pause holds the location for the given time and counts', async (t) => {
  const clock = new ManualClock()
  const budget = new LocalRateBudget(
    { max: 100, intervalMs: 10_000, safetyMargin: 0, dailyReserve: 0 },
    undefined,
    clock,
  )
  const start = clock.now()
  budget.pause('L', 120, 'HighLevel answered 429; paused 120 ms')
  t.match(budget.status()[0], { paused: true, http429: 1, reason: /429/, pausedUntil: start + 120 })
  let taken = false
  const taking = takeN(budget, 'L', 1).then(() => (taken = true))
  await clock.untilSleeping()
  await clock.advance(119)
  t.equal(taken, false, 'still paused 1 ms before its end')
  await clock.advance(1)
  await taking
  t.equal(clock.now() - start, 120, 'the take waited out the pause, exactly')
  t.match(budget.status()[0], { paused: false, http429: 1 })
})
