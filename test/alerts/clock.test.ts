import { join } from 'node:path'
import pino from 'pino'
import t from 'tap'
import { AlertDispatcher, AlertMonitor, alertsSchema, testMessage } from '../../src/alerts/index.js'
import { openStore } from '../../src/store/index.js'
import { tempDir } from '../helpers/build.js'
import { ManualClock } from '../helpers/manual-clock.js'
import { until } from '../helpers/until.js'
import { slackReceiver } from './receivers.js'

const silent = pino({ level: 'silent' })

t.test("the monitor checks every checkIntervalMs of the clock's time, and not after stop()", async (t) => {
  const clock = new ManualClock()
  let checks = 0
  const config = alertsSchema.parse({ destinations: {}, checkIntervalMs: 30_000 })
  const m = new AlertMonitor({
    contactNotFoundRetryHours: 24,
    config,
    inputs: {
      store: {
        alerts: {
          deadLettersSince: async () => ({ count: 0, first: [] }),
          awaitingContacts: async () => ({ count: 0, first: [] }),
        },
        jobs: {
          stats: async () => {
            checks++
            return []
          },
        },
      },
    },
    enqueue: async () => {},
    logger: silent,
    clock,
  })
  m.start()
  await clock.untilSleeping()
  await clock.advance(29_999)
  t.equal(checks, 0, 'not before the interval')
  await clock.advance(1)
  await clock.untilSleeping()
  t.equal(checks, 1, 'one check at 30 s')
  await clock.advance(90_000)
  await clock.untilSleeping()
  t.equal(checks, 4, 'one a interval: four in two minutes')
  await m.stop()
  t.equal(clock.sleeping, 0, 'stop() ends the wait')
  await clock.advance(300_000)
  t.equal(checks, 4, 'none after stop()')
})

t.test('a failed send is tried again when the clock reaches its retry time, not before', async (t) => {
  const clock = new ManualClock()
  const probe = await slackReceiver()
  const port = probe.port
  await probe.close() // down for the first try
  const store = await openStore({ url: `sqlite:${join(tempDir(t), 'alerts.db')}` })
  t.teardown(() => store.close())
  const config = alertsSchema.parse({
    destinations: { team: { type: 'slack', url: `http://127.0.0.1:${port}/hook` } },
    retry: { baseMs: 2_000, maxMs: 60_000, maxAttempts: 5 },
  })
  const d = new AlertDispatcher({ outbox: store.alerts, config, logger: silent, clock })
  d.start()
  t.teardown(() => d.stop())
  await d.enqueue(testMessage(clock.now()))
  await until(t, 'the first try to fail', async () => {
    const [row] = await store.alerts.list({ limit: 1, status: 'pending' })
    return row?.lastError != null
  })
  const back = await slackReceiver(port)
  t.teardown(() => back.close())
  // the dispatcher looks again after min(baseMs, 5 s) of the clock: at 2 s the retry is due
  await clock.untilSleeping()
  await clock.advance(1_999)
  t.equal(back.received.length, 0, 'nothing before the retry time')
  await clock.advance(1)
  await until(t, 'the retry to arrive', () => back.received.length === 1)
  await until(
    t,
    'the row marked sent',
    async () => (await store.alerts.list({ limit: 1, status: 'pending' })).length === 0,
  )
  t.equal(back.received.length, 1, 'sent once')
})
