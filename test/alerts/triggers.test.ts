import pino from 'pino'
import t from 'tap'
import { systemClock } from '../../src/common/clock.js'
import { AlertMonitor, alertsSchema, type AlertMessage } from '../../src/alerts/index.js'
import type { Job, LocationQueue } from '../../src/store/index.js'

const MIN = 60_000
const T0 = 1_800_000_000_000

function monitor(inputs: {
  held?: Array<{ locationId: string; paused: boolean; reason: string | null }>
  queue?: LocationQueue[]
  /** refusals kept per source, each at a time */
  refused?: Array<{ source: string; at: number }>
  leader?: boolean
  /** jobs waiting for their contact to exist in HighLevel */
  awaiting?: Job[]
}) {
  let now = T0
  const sent: AlertMessage[] = []
  const config = alertsSchema.parse({
    destinations: {},
    triggers: {
      locationHeld: { afterMinutes: 15, quietMinutes: 60 },
      oldestPending: { afterMinutes: 30, quietMinutes: 60 },
      refusals: { threshold: 5, windowMinutes: 5, quietMinutes: 60 },
    },
  })
  const m = new AlertMonitor({
    contactNotFoundRetryHours: 24,
    config,
    inputs: {
      store: {
        alerts: {
          deadLettersSince: async () => ({ count: 0, first: [] }),
          awaitingContacts: async (before, limit) => {
            const old = (inputs.awaiting ?? []).filter((j) => (j.createdAt ?? 0) < before)
            return { count: old.length, first: old.slice(0, limit) }
          },
        },
        jobs: { stats: async () => inputs.queue ?? [] },
      },
      held: () => inputs.held ?? [],
      refusedSince: async (since) => {
        const counts = new Map<string, number>()
        for (const r of inputs.refused ?? []) if (r.at > since) counts.set(r.source, (counts.get(r.source) ?? 0) + 1)
        return [...counts].map(([source, count]) => ({ source, count }))
      },
      lead: async () => inputs.leader !== false,
    },
    enqueue: async (msg) => void sent.push(msg),
    logger: pino({ level: 'silent' }),
    clock: { now: () => now, sleep: systemClock.sleep },
  })
  return { m, sent, at: (ms: number) => (now = T0 + ms), inputs }
}

t.test('a location held back fires after afterMinutes, once per quiet period, then recovers once', async (t) => {
  const held = [{ locationId: 'loc1', paused: true, reason: 'auth failing since ...: TAGRELAY_HL_UNAUTHORIZED' }]
  const { m, sent, at, inputs } = monitor({ held })
  await m.check()
  at(14 * MIN)
  await m.check()
  t.equal(sent.length, 0, 'held for less than 15 minutes: nothing')
  at(16 * MIN)
  await m.check()
  t.match(sent, [{ kind: 'location_held', state: 'firing', subject: 'loc1', text: /TAGRELAY_HL_UNAUTHORIZED/ }])
  at(30 * MIN)
  await m.check()
  t.equal(sent.length, 1, 'quiet period')
  at(77 * MIN)
  await m.check()
  t.equal(sent.length, 2, 'still held after the quiet period: reminded')
  inputs.held = []
  at(78 * MIN)
  await m.check()
  t.match(sent[2], { kind: 'location_held', state: 'resolved', subject: 'loc1' })
  at(79 * MIN)
  await m.check()
  t.equal(sent.length, 3, 'one recovery')
})

t.test('a short pause that clears before afterMinutes says nothing', async (t) => {
  const { m, sent, at, inputs } = monitor({ held: [{ locationId: 'loc1', paused: true, reason: '429' }] })
  await m.check()
  inputs.held = [{ locationId: 'loc1', paused: false, reason: null }]
  at(MIN)
  await m.check()
  t.same(sent, [])
})

t.test('the oldest pending job older than afterMinutes fires; caught up resolves', async (t) => {
  const q = {
    location: 'main',
    pending: 12,
    dead: 0,
    oldestPendingAt: T0 - 31 * MIN,
    oldestDeliverableAt: T0 - 31 * MIN,
    awaitingContact: 0,
  }
  const { m, sent, inputs, at } = monitor({ queue: [q] })
  await m.check()
  t.match(sent, [{ kind: 'oldest_pending', state: 'firing', subject: 'main', details: { pending: 12 } }])
  inputs.queue = []
  at(MIN)
  await m.check()
  t.match(sent[1], { kind: 'oldest_pending', state: 'resolved' })
})

t.test(
  "signature or token refusals (kept, every replica's) above the threshold within the window fire per source",
  async (t) => {
    const { m, sent, inputs, at } = monitor({ refused: [1, 2, 3].map((n) => ({ source: 'calendly', at: T0 - n })) })
    await m.check()
    t.same(sent, [], '3 refusals: under the threshold of 5')
    inputs.refused = [...inputs.refused!, ...[1, 2, 3].map((n) => ({ source: 'calendly', at: T0 + MIN - n }))]
    at(MIN)
    await m.check()
    t.match(sent, [{ kind: 'refusals', state: 'firing', subject: 'calendly', details: { count: 6 } }])
    at(7 * MIN)
    await m.check()
    t.match(sent[1], { kind: 'refusals', state: 'resolved', subject: 'calendly' }, 'none in the window: resolved')
  },
)

t.test('a replica without the checking lease checks nothing', async (t) => {
  const q = {
    location: 'main',
    pending: 1,
    dead: 0,
    oldestPendingAt: T0 - 60 * MIN,
    oldestDeliverableAt: T0 - 60 * MIN,
    awaitingContact: 0,
  }
  const { m, sent, inputs } = monitor({ queue: [q], leader: false })
  await m.check()
  t.same(sent, [])
  inputs.leader = true
  await m.check()
  t.equal(sent.length, 1, 'the lease holder does')
})

t.test('jobs waiting for their contact: left out of oldest_pending, named by their own quieter trigger', async (t) => {
  const waitingJob = (id: number, email: string, createdAt: number): Job => ({
    id,
    seq: id,
    eventId: `evt-${id}`,
    location: 'clinic',
    contact: { email },
    add: ['newsletter'],
    remove: [],
    rules: ['newsletter'],
    status: 'pending',
    attempts: 1,
    lastError: `TAGRELAY_CONTACT_NOT_FOUND: no HighLevel contact with email ${email}`,
    runAt: T0 + MIN,
    createdAt,
    contactId: null,
  })
  const q = {
    location: 'clinic',
    pending: 1,
    dead: 0,
    oldestPendingAt: T0 - 45 * MIN,
    oldestDeliverableAt: null,
    awaitingContact: 1,
  }
  const { m, sent, inputs, at } = monitor({ queue: [q], awaiting: [waitingJob(7, 'new@example.com', T0 - 45 * MIN)] })
  await m.check()
  t.same(
    sent,
    [],
    'waiting 45 min for a contact is normal: no oldest_pending, and under the 120 min of its own trigger',
  )
  at(80 * MIN)
  await m.check()
  t.match(sent, [
    {
      kind: 'contacts_awaited',
      state: 'firing',
      title: '1 job waiting for contacts HighLevel does not have',
      text: /^Waiting for new@example.com \(clinic, since 2027-01-15 07:15 UTC\) to exist in HighLevel\. Their rules have no create:, so after 24 h they become dead letters/,
      details: { count: 1, contacts: [{ jobId: 7, location: 'clinic', contact: { email: 'new@example.com' } }] },
    },
  ])
  t.notOk(
    sent.some((a) => a.kind === 'oldest_pending'),
    'never oldest_pending',
  )
  inputs.awaiting = []
  at(81 * MIN)
  await m.check()
  t.match(sent[1], { kind: 'contacts_awaited', state: 'resolved' })
})
