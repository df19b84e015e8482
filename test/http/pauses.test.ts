import t from 'tap'
import { ADMIN_TOKEN, build, LOCATION_ID } from '../helpers/build.js'

const until = Date.parse('2026-11-28T00:00:00Z')
const paused = {
  locations: () => [
    { locationId: LOCATION_ID, paused: true, pausedUntil: until, reason: 'daily request budget at its reserve' },
  ],
}

t.test('a location the delivery engine paused is named in /readyz, /admin/locations and /metrics', async (t) => {
  const { app } = await build(t, { pauses: paused, extra: { admin: { token: ADMIN_TOKEN } } })

  const ready = await app.inject('/readyz')
  t.equal(ready.statusCode, 200, 'still ready: events are accepted and kept while delivery waits')
  t.same(ready.json().pausedLocations, [
    { locationId: LOCATION_ID, reason: 'daily request budget at its reserve', until: '2026-11-28T00:00:00.000Z' },
  ])

  const admin = await app.inject({ url: '/admin/locations', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  t.equal(admin.statusCode, 200)
  t.match(admin.json().locations[0], {
    locationId: LOCATION_ID,
    paused: true,
    pausedReason: /daily request budget at its reserve \(until 2026-11-28T00:00:00.000Z\)/,
  })

  const metrics = await app.inject('/metrics')
  t.match(metrics.body, /tagrelay_location_paused\{location="main"\} 1/)
})

t.test('nothing paused: /readyz has no pausedLocations and the gauge reads 0', async (t) => {
  const { app } = await build(t, {
    pauses: { locations: () => [{ locationId: LOCATION_ID, paused: false, pausedUntil: null, reason: null }] },
  })
  t.notOk('pausedLocations' in (await app.inject('/readyz')).json())
  t.match((await app.inject('/metrics')).body, /tagrelay_location_paused\{location="main"\} 0/)
})
