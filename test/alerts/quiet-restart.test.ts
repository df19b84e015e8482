import { join } from 'node:path'
import pino from 'pino'
import t from 'tap'
import { systemClock } from '../../src/common/clock.js'
import { alertsSchema, startAlerts } from '../../src/alerts/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { tempDir } from '../helpers/build.js'
import { freshSchema, postgresForTests } from '../store/helpers/postgres.js'
import { slackReceiver } from './receivers.js'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
const MIN = 60_000
const T0 = 1_900_000_000_000

/**
 * A condition still true across a restart (or a new lease holder) is not sent again
 * within quietMinutes: what was sent is read back from the store's alert outbox. The
 * monitor is checked by hand at chosen times; the outbox and its lease are real.
 */
async function restartStaysQuiet(t: Tap, open: () => Promise<Store>): Promise<void> {
  const slack = await slackReceiver()
  t.teardown(() => slack.close())
  const config = alertsSchema.parse({
    destinations: { team: { type: 'slack', url: slack.url } },
    checkIntervalMs: 60_000, // the lease lasts 3 checks; the checks are made by hand below
    triggers: {
      locationHeld: { afterMinutes: 1, quietMinutes: 60 },
      refusals: { threshold: 1, windowMinutes: 120, quietMinutes: 60 },
    },
  })
  const held = () => [{ locationId: 'loc1', paused: true, reason: 'TAGRELAY_HL_UNAUTHORIZED: 401 from HighLevel' }]
  let now = T0
  const start = (store: Store) =>
    startAlerts({
      config,
      contactNotFoundRetryHours: 24,
      store: {
        alerts: store.alerts,
        jobs: store.jobs,
        refused: { countSince: async () => [{ source: 'calendly', count: 7 }] },
      },
      logger: pino({ level: 'silent' }),
      held,
      publicUrl: 'https://relay.example.com/',
      clock: { now: () => now, sleep: systemClock.sleep },
    })
  const firing = async (store: Store) =>
    (await store.alerts.list({ limit: 100 })).filter((a) => a.state === 'firing').map((a) => `${a.kind}:${a.subject}`)

  const first = await open()
  const one = start(first)
  await one.monitor.check()
  now = T0 + 2 * MIN // held for longer than afterMinutes
  await one.monitor.check()
  t.same((await firing(first)).sort(), ['location_held:loc1', 'refusals:calendly'], 'both conditions fire once')
  const [held1] = (await first.alerts.list({ limit: 100 })).filter((a) => a.kind === 'location_held')
  const text = JSON.stringify(held1?.payload)
  t.match(text, /https:\/\/relay\.example\.com\/console\/locations/, 'a console link on the public URL')
  t.notMatch(text, /\/admin\//, 'no admin API path')
  t.match(text, /the token is bad or was revoked/, 'the reason in words')
  await one.stop()
  await first.close()

  // a restart 10 minutes later, both conditions still true: nothing new
  now = T0 + 10 * MIN
  const second = await open()
  const two = start(second)
  await two.monitor.check()
  t.equal((await firing(second)).length, 2, 'restarted within quietMinutes: nothing sent again')

  // another replica takes the lease (the first's expired): it stays quiet too
  now = T0 + 30 * MIN
  const three = start(second)
  await two.stop()
  now = T0 + 40 * MIN
  await three.monitor.check()
  t.equal((await firing(second)).length, 2, 'a new lease holder within quietMinutes: nothing sent again')

  // after quietMinutes, a reminder as before
  now = T0 + 63 * MIN
  await three.monitor.check()
  t.equal((await firing(second)).length, 4, 'after quietMinutes the still-true conditions remind once')
  await three.stop()
  await second.close()
}

t.test('SQLite: a restart while a condition stays true sends nothing new within quietMinutes', async (t) => {
  const file = join(tempDir(t), 'alerts.db')
  await restartStaysQuiet(t, () => openStore({ url: `sqlite:${file}` }))
})

t.test('PostgreSQL: the same', async (t) => {
  const url = await postgresForTests(t)
  if (!url) return
  const schema = freshSchema(t, url)
  await restartStaysQuiet(t, () => openStore({ url, postgres: { schema } }))
})
