import t from 'tap'
import { Scheduler, type LaneRun, type SchedulerOptions } from '../../src/delivery/scheduler.js'
import { DueHeap } from '../../src/delivery/due-heap.js'
import { createLogger } from '../../src/log.js'
import fc from 'fast-check'
import { ManualClock } from '../helpers/manual-clock.js'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
const logger = createLogger({ level: 'silent' })

/** lets the scheduler's loops run until `done()` holds (they only wait on promises and the manual clock) */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i > 10_000) throw new Error('the scheduler never got there')
    await new Promise<void>((r) => setImmediate(r))
  }
}

/**
 * A queue model: location → due times of its pending jobs; a run takes every due job.
 * Time is a manual clock: a due time or a probe time comes when the test advances it.
 * A `slow` location's round waits until the test opens its gate (its first round only); a `heldForMs` one answers
 * "held" (an open circuit) until that long after the start.
 */
function harness(t: Tap, opts: { slow?: string[]; heldForMs?: Record<string, number> } = {}) {
  const clock = new ManualClock()
  const started = clock.now()
  const jobs = new Map<string, number[]>()
  const runs: { location: string; at: number }[] = []
  const queries = { due: 0, next: 0 }
  const gates = new Map<string, () => void>()
  const opened = new Set<string>()
  const gate = (location: string) => new Promise<void>((r) => gates.set(location, r))
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
      runs.push({ location, at: clock.now() })
      if (opts.slow?.includes(location) && !opened.has(location)) await gate(location)
      const heldFor = opts.heldForMs?.[location]
      const held = heldFor === undefined ? undefined : started + heldFor
      if (held !== undefined && held > clock.now()) return { handled: 0, heldUntil: held }
      const d = jobs.get(location) ?? []
      const due = d.filter((at) => at <= clock.now())
      jobs.set(
        location,
        d.filter((at) => at > clock.now()),
      )
      return { handled: due.length, heldUntil: null }
    },
    runnable: (location) => location !== 'disabled',
    sweepMs: 60_000,
    logger,
    clock,
  } satisfies SchedulerOptions)
  t.teardown(() => scheduler.stop())
  const add = (location: string, at = clock.now()) => jobs.set(location, [...(jobs.get(location) ?? []), at])
  const open = (location: string) => {
    opened.add(location)
    gates.get(location)?.()
  }
  const idle = () => until(() => scheduler.counts().active === 0)
  return { scheduler, clock, jobs, runs, queries, add, open, idle, gates }
}

t.test('idle: thousands of locations with no work cost no run, no timer, one sweep query', async (t) => {
  const h = harness(t)
  for (let i = 0; i < 10_000; i++) h.jobs.set(`loc-${i}`, [])
  h.scheduler.start()
  await until(() => h.queries.due === 1)
  await h.clock.untilSleeping(1)
  t.equal(h.runs.length, 0)
  t.equal(h.queries.due, 1, 'the start sweep only')
  t.equal(h.clock.sleeping, 1, "one timer: the sweep's")
  t.same(h.scheduler.counts(), { active: 0, scheduled: 0 })
  await h.clock.advance(60_000)
  t.equal(h.queries.due, 2, 'the next sweep comes after sweepMs')
  t.equal(h.runs.length, 0, 'and finds nothing to run')
})

t.test('a wake runs only that location, until it finds nothing', async (t) => {
  const h = harness(t)
  for (let i = 0; i < 10_000; i++) h.jobs.set(`loc-${i}`, [])
  h.scheduler.start()
  h.add('loc-7')
  h.scheduler.wake('loc-7')
  await h.idle()
  t.same([...new Set(h.runs.map((r) => r.location))], ['loc-7'])
  t.equal(h.runs.length, 2, 'one round that handled the job, one that found nothing')
  t.same(h.scheduler.counts(), { active: 0, scheduled: 0 })
})

t.test('a retry wakes its location at its due time, not before', async (t) => {
  const h = harness(t)
  h.scheduler.start()
  const due = h.clock.now() + 150
  h.add('a', due)
  h.scheduler.wake('a')
  await until(() => h.scheduler.counts().scheduled === 1)
  t.equal(h.runs.length, 1, 'first round found nothing due yet')
  t.equal(h.scheduler.counts().scheduled, 1)
  await h.clock.advance(149)
  t.equal(h.runs.length, 1, 'not woken 1 ms before its time')
  await h.clock.advance(1)
  await h.idle()
  const later = h.runs.slice(1)
  t.ok(later.length >= 1, 'woken again')
  t.equal(later[0]!.at, due, 'at its due time exactly')
  t.same(h.jobs.get('a'), [])
})

t.test('a slow location does not delay another', async (t) => {
  const h = harness(t, { slow: ['slow'] })
  h.scheduler.start()
  h.add('slow')
  h.add('fast')
  const t0 = h.clock.now()
  h.scheduler.wake('slow')
  h.scheduler.wake('fast')
  await until(() => h.jobs.get('fast')?.length === 0)
  const fast = h.runs.filter((r) => r.location === 'fast')
  t.ok(fast.length >= 1 && fast[0]!.at === t0, 'fast ran at once')
  t.same(h.jobs.get('fast'), [], 'and delivered')
  t.not(h.jobs.get('slow')?.length, 0, 'while slow is still in its round')
  h.open('slow')
  await h.idle()
  t.same(h.jobs.get('slow'), [], 'slow delivers once its round goes on')
})

t.test('a held location (open circuit) sleeps until its probe time; a disabled one never runs', async (t) => {
  const h = harness(t, { heldForMs: { a: 120 } })
  const held = h.clock.now() + 120
  h.scheduler.start()
  h.add('a')
  h.add('disabled')
  h.scheduler.wake('a')
  h.scheduler.wake('disabled')
  await until(() => h.scheduler.counts().scheduled === 1)
  t.equal(h.runs.filter((r) => r.location === 'a').length, 1)
  await h.clock.advance(119)
  t.equal(h.runs.filter((r) => r.location === 'a').length, 1, 'not before the probe time')
  await h.clock.advance(1)
  await h.idle()
  const runs = h.runs.filter((r) => r.location === 'a')
  t.ok(runs.length >= 2 && runs[1]!.at === held, 'ran again at the probe time')
  t.equal(h.runs.filter((r) => r.location === 'disabled').length, 0)
})

t.test('the sweep finds work nobody announced; a wake during a round is not lost', async (t) => {
  const h = harness(t, { slow: ['b'] })
  h.add('b')
  h.scheduler.start()
  await until(() => h.gates.has('b'))
  t.equal(h.runs.length, 1, 'the start sweep found b')
  h.add('b')
  h.scheduler.wake('b')
  h.open('b')
  await until(() => h.jobs.get('b')?.length === 0 && h.scheduler.counts().active === 0)
  t.same(h.jobs.get('b'), [], 'both jobs delivered')
})

t.test('stop ends the timers: nothing is left sleeping on the clock', async (t) => {
  const h = harness(t)
  h.scheduler.start()
  h.add('a', h.clock.now() + 1_000)
  h.scheduler.wake('a')
  await until(() => h.scheduler.counts().scheduled === 1)
  t.equal(h.clock.sleeping, 2, "the sweep's timer and the due heap's")
  await h.scheduler.stop()
  t.equal(h.clock.sleeping, 0)
  await h.clock.advance(1_000)
  t.equal(h.runs.length, 1, 'no round after stop')
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
