import t from 'tap'
import { build } from '../helpers/build.js'
import { event, job } from '../store/fixtures.js'

const INSTALLED = 'instLoc0000000000042'

// /metrics is often open to a scraper network: an agency's sub-account ids are not for it.
t.test('installed locations are not listed on /metrics unless asked for', async (t) => {
  const { app, store } = await build(t)
  await store.intake.accept(event(), [job({ location: INSTALLED }), job({ location: 'main' })])
  await store.intake.accept(event(), [job({ location: 'otherInstalled000001' })])
  const text = (await app.inject({ url: '/metrics' })).body
  t.notOk(text.includes(INSTALLED), 'no installed locationId')
  t.match(text, /tagrelay_queue_depth\{location="installed"\} 2/, 'installed ones counted together')
  t.match(text, /tagrelay_queue_depth\{location="main"\} 1/, 'a YAML location keeps its configured name')
})

t.test('metrics.locationLabels: true labels each location', async (t) => {
  const { app, store } = await build(t, { extra: { metrics: { locationLabels: true } } })
  await store.intake.accept(event(), [job({ location: INSTALLED })])
  const text = (await app.inject({ url: '/metrics' })).body
  t.match(text, new RegExp(`tagrelay_queue_depth\\{location="${INSTALLED}"\\} 1`))
})
