import t from 'tap'
import { Scheduler, type LaneRun, type SchedulerOptions } from '../../src/delivery/scheduler.js'
import { DueHeap } from '../../src/delivery/due-heap.js'
import { createLogger } from '../../src/log.js'
import fc from 'fast-check'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const logger = createLogger({ level: 'silent' })

/** A queue model: location → due times of its pending jobs; a run takes every due job. */
function harness(t: Tap, opts: { slow?: Record<string, number>; held?: Record<string, number> } = {}) {
  const jobs = new Map<string, number[]>()
  const runs: { location: string; at: number }[] = []
  const queries = { due: 0, next: 0 }
  const scheduler = new Scheduler({
    agenda: {
      dueLocations: async (now, limit) => {
        queries.due++
        return [...jobs]
          .filter(([, d]) => d.some((at) => at <= now))
          .map(([l]) => l)
          .slice(0, limit)
      },
      nextDueAt: async (location) => {
        queries.next++
        const d = jobs.get(location) ?? []
        return d.length === 0 ? null : Math.min(...d)
      },
    },
    run: async (location): Promise<LaneRun> => {
      runs.push({ location, at: Date.now() })
      if (opts.slow?.[location]) await sleep(opts.slow[location])
      const held = opts.held?.[location]
      if (held !== undefined && held > Date.now()) return { handled: 0, heldUntil: held }
      const d = jobs.get(location) ?? []
      const due = d.filter((at) => at <= Date.now())
      jobs.set(
        location,
        d.filter((at) => at > Date.now()),
      )
      return { handled: due.length, heldUntil: null }
    },
    runnable: (location) => location !== 'disabled',
    sweepMs: 60_000,
    logger,
  } satisfies SchedulerOptions)
  t.teardown(() => scheduler.stop())
  const add = (location: string, at = Date.now()) => jobs.set(location, [...(jobs.get(location) ?? []), at])
  return { scheduler, jobs, runs, queries, add }
}

t.test('idle: thousands of locations with no work cost no run, no timer, one sweep query', async (t) => {
  const h = harness(t)
  h.scheduler.start()
  await sleep(50)
  t.equal(h.runs.length, 0)
  t.equal(h.queries.due, 1, 'the start sweep only')
  t.same(h.scheduler.counts(), { active: 0, scheduled: 0 })
})

t.test('a wake runs only that location, until it finds nothing', async (t) => {
  const h = harness(t)
  for (let i = 0; i < 10_000; i++) h.jobs.set(`loc-${i}`, [])
  h.scheduler.start()
  h.add('loc-7')
  h.scheduler.wake('loc-7')
  await sleep(30)
  t.same([...new Set(h.runs.map((r) => r.location))], ['loc-7'])
  t.equal(h.runs.length, 2, 'one round that handled the job, one that found nothing')
  t.same(h.scheduler.counts(), { active: 0, scheduled: 0 })
})

t.test('a retry wakes its location at its due time, not before', async (t) => {
  const h = harness(t)
  h.scheduler.start()
  const due = Date.now() + 150
  h.add('a', due)
  h.scheduler.wake('a')
  await sleep(50)
  t.equal(h.runs.length, 1, 'first round found nothing due yet')
  t.equal(h.scheduler.counts().scheduled, 1)
  await sleep(250)
  const later = h.runs.slice(1)
  t.ok(later.length >= 1, 'woken again')
  t.ok(later[0]!.at >= due - 2, `not before its time (${later[0]!.at - due} ms)`)
  t.ok(later[0]!.at <= due + 100, `soon after its time (${later[0]!.at - due} ms)`)
  t.same(h.jobs.get('a'), [])
})

t.test('a slow location does not delay another', async (t) => {
  const h = harness(t, { slow: { slow: 400 } })
  h.scheduler.start()
  h.add('slow')
  h.add('fast')
  const t0 = Date.now()
  h.scheduler.wake('slow')
  h.scheduler.wake('fast')
  await sleep(50)
  const fast = h.runs.filter((r) => r.location === 'fast')
  t.ok(fast.length >= 1 && fast[0]!.at - t0 < 40, 'fast ran at once')
  t.same(h.jobs.get('fast'), [], 'and delivered')
  t.not(h.jobs.get('slow')?.length, 0, 'while slow is still in its round')
})

t.test('a held location (open circuit) sleeps until its probe time; a disabled one never runs', async (t) => {
  const held = Date.now() + 120
  const h = harness(t, { held: { a: held } })
  h.scheduler.start()
  h.add('a')
  h.add('disabled')
  h.scheduler.wake('a')
  h.scheduler.wake('disabled')
  await sleep(60)
  t.equal(h.runs.filter((r) => r.location === 'a').length, 1)
  await sleep(150)
  const runs = h.runs.filter((r) => r.location === 'a')
  t.ok(runs.length >= 2 && runs[1]!.at >= held - 2, 'ran again at the probe time')
  t.equal(h.runs.filter((r) => r.location === 'disabled').length, 0)
})

t.test('the sweep finds work nobody announced; a wake during a round is not lost', async (t) => {
  const h = harness(t, { slow: { b: 30 } })
  h.add('b')
  h.scheduler.start()
  await sleep(10)
  h.add('b')
  h.scheduler.wake('b')
  await sleep(120)
  t.same(h.jobs.get('b'), [], 'both jobs delivered')
})

t.test('DueHeap pops every location once, in time order, keeping the earliest', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 1000 }))), (ops) => {
      const heap = new DueHeap()
      const model = new Map<string, number>()
      for (const [l, at] of ops) {
        heap.push(`l${l}`, at)
        model.set(`l${l}`, Math.min(model.get(`l${l}`) ?? Infinity, at))
      }
      const popped: string[] = []
      for (let now = 0; now <= 1000; now += 37) popped.push(...heap.popDue(now))
      popped.push(...heap.popDue(1000))
      const want = [...model].sort((a, b) => a[1] - b[1]).map(([l]) => l)
      return popped.length === want.length && new Set(popped).size === want.length && heap.size === 0
    }),
  )
  t.pass()
})
