import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import pino from 'pino'
import t from 'tap'
import { systemClock } from '../../src/common/clock.js'
import { until } from '../helpers/until.js'
import { AlertDispatcher, AlertMonitor, alertsSchema, testMessage, type AlertsConfig } from '../../src/alerts/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { tempDir } from '../helpers/build.js'
import { attempt, event, job, T0 } from '../store/fixtures.js'
import { slackReceiver, standardWebhooksReceiver, type Receiver } from './receivers.js'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
const SECRET = `whsec_${randomBytes(24).toString('base64')}`
const silent = pino({ level: 'silent' })

async function store(t: Tap): Promise<Store> {
  const s = await openStore({ url: `sqlite:${join(tempDir(t), 'alerts.db')}` })
  t.teardown(() => s.close())
  return s
}

function config(slack: string, hook: string, extra: Record<string, unknown> = {}): AlertsConfig {
  return alertsSchema.parse({
    destinations: { team: { type: 'slack', url: slack }, pager: { type: 'webhook', url: hook, secret: SECRET } },
    retry: { baseMs: 50, maxMs: 200, maxAttempts: 50 },
    timeoutMs: 1000,
    ...extra,
  })
}

async function receivers(t: Tap): Promise<[Receiver, Receiver]> {
  const slack = await slackReceiver()
  const hook = await standardWebhooksReceiver(SECRET)
  t.teardown(() => slack.close())
  t.teardown(() => hook.close())
  return [slack, hook]
}

/** `n` jobs of one event, all dead letters at `at` */
async function deadLetters(s: Store, n: number, at: number): Promise<void> {
  const jobs = Array.from({ length: n }, (_, i) => job({ contact: { email: `p${i}@example.com` } }))
  await s.intake.accept(event(), jobs)
  for (const j of await s.jobs.claim({ owner: 'w', limit: n, leaseMs: 60_000, now: at }))
    await s.jobs.fail(
      j.id,
      'w',
      attempt({ outcome: 'dead', error: `HTTP 422: invalid email ${j.id}`, finishedAt: at }),
      null,
    )
}

t.test('a test alert reaches a Slack-shaped receiver and a Standard Webhooks receiver that verifies it', async (t) => {
  const [slack, hook] = await receivers(t)
  const s = await store(t)
  const d = new AlertDispatcher({ outbox: s.alerts, config: config(slack.url, hook.url), logger: silent })
  d.start()
  t.teardown(() => d.stop())
  await d.enqueue(testMessage(Date.now()))
  await until(t, 'both receivers', () => slack.received.length === 1 && hook.received.length === 1)
  t.match(JSON.parse(slack.received[0]!.body), { text: /tagrelay alert test/ })
  t.same(hook.rejected, [], 'the signature verifies with the standardwebhooks package')
  const body = JSON.parse(hook.received[0]!.body) as { type: string; data: { kind: string } }
  t.equal(body.type, 'alert.test')
  t.equal(body.data.kind, 'test')
  t.match(hook.received[0]!.headers['webhook-id'], /^msg_tagrelay_\d+$/)
  await until(t, 'both marked sent', async () => (await s.alerts.list({ limit: 10, status: 'sent' })).length === 2)
})

t.test('a dead-letter burst makes one digest per destination, not one message per job', async (t) => {
  const [slack, hook] = await receivers(t)
  const s = await store(t)
  let now = T0
  const cfg = config(slack.url, hook.url, { triggers: { deadLetters: { threshold: 1, quietMinutes: 10 } } })
  const d = new AlertDispatcher({ outbox: s.alerts, config: cfg, logger: silent })
  d.start()
  t.teardown(() => d.stop())
  const m = new AlertMonitor({
    contactNotFoundRetryHours: 24,
    config: cfg,
    inputs: {
      store: s,
    },
    enqueue: (msg) => d.enqueue(msg),
    logger: silent,
    publicUrl: 'https://tags.example.com',
    clock: { now: () => now, sleep: systemClock.sleep },
  })
  await deadLetters(s, 40, T0 + 1000)
  now = T0 + 2000
  await m.check()
  await until(t, 'the digest', () => slack.received.length === 1 && hook.received.length === 1)
  const digest = JSON.parse(hook.received[0]!.body) as {
    type: string
    data: { details: { count: number; first: Array<Record<string, unknown>> } }
  }
  t.equal(digest.type, 'alert.digest')
  t.equal(digest.data.details.count, 40)
  t.equal(digest.data.details.first.length, 5, 'the first reasons, not all')
  t.match(digest.data.details.first[0], {
    lastError: /HTTP 422/,
    trail: /^https:\/\/tags\.example\.com\/console\/events\//,
  })
  t.match(JSON.parse(slack.received[0]!.body).text, /40 new dead letters/)

  // more during the quiet period: held back, then one digest with them all
  await deadLetters(s, 3, T0 + 3000)
  now = T0 + 4000
  await m.check()
  now = T0 + 11 * 60_000
  await m.check()
  await until(t, 'the second digest', () => hook.received.length === 2)
  t.equal((JSON.parse(hook.received[1]!.body) as { data: { details: { count: number } } }).data.details.count, 3)
  // once the outbox holds nothing unsent, nothing more can reach the receivers
  await until(t, 'an empty outbox', async () => (await s.alerts.list({ limit: 10, status: 'pending' })).length === 0)
  t.equal(slack.received.length, 2, 'two digests in all for 43 dead letters')
})

t.test('a receiver that is down gets the alert once it is back; a restart loses none', async (t) => {
  const probe = await slackReceiver()
  const port = probe.port
  await probe.close()
  const hook = await standardWebhooksReceiver(SECRET)
  t.teardown(() => hook.close())
  const s = await store(t)
  const cfg = config(`http://127.0.0.1:${port}/hook`, hook.url)

  // queued by a process that stops before sending
  const first = new AlertDispatcher({ outbox: s.alerts, config: cfg, logger: silent })
  await first.enqueue(testMessage(Date.now()))
  await first.stop()

  const second = new AlertDispatcher({ outbox: s.alerts, config: cfg, logger: silent })
  second.start()
  t.teardown(() => second.stop())
  await until(t, 'the webhook receiver', () => hook.received.length === 1)
  // the webhook's row is marked sent a moment after its receiver has the body: wait for that too
  await until(t, 'the webhook sent and a failed try at the Slack one', async () => {
    const left = await s.alerts.list({ limit: 10, status: 'pending' })
    return left.length === 1 && left[0]!.lastError !== null
  })
  const pending = await s.alerts.list({ limit: 10, status: 'pending' })
  t.equal(pending.length, 1)
  t.match(pending[0], { destination: 'team', lastError: /ECONNREFUSED/ })
  t.ok(pending[0]!.attempts >= 1)

  const back = await slackReceiver(port)
  t.teardown(() => back.close())
  await until(t, 'the Slack receiver, back', () => back.received.length === 1)
  t.equal(hook.received.length, 1, 'the other destination got it once')
})
