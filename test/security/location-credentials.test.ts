import { createHmac } from 'node:crypto'
import { join } from 'node:path'
import t from 'tap'
import { locationSecrets } from '../../src/commands/location-secrets.js'
import { startService, type Service } from '../../src/service.js'
import { captureLogs, HL_TOKEN, LOCATION_ID, tempDir, testConfig } from '../helpers/build.js'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

const MASTER = 'typeform-master-secret-0123456789'
const OTHER_ID = 'agencyBloc0000000001'

function config(t: Tap) {
  return testConfig({
    storeUrl: `sqlite:${join(tempDir(t), 'creds.db')}`,
    delivery: { enabled: false },
    locations: { clinicb: { locationId: OTHER_ID, auth: { type: 'private-integration', token: HL_TOKEN } } },
    sources: {
      typeform: {
        location: { from: 'url', credentials: 'per-location' },
        verify: { type: 'typeform', secret: MASTER },
      },
      mainonly: { location: { from: 'url', locations: ['main'] }, verify: { type: 'typeform', secret: MASTER } },
      moving: {
        location: { from: 'url', credentials: 'per-location-or-shared' },
        verify: { type: 'typeform', secret: MASTER },
      },
    },
    rules: [{ name: 'tf', source: 'typeform', contact: { email: 'email' }, tags: ['typeform'] }],
  })
}

const sign = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`

let n = 0
// a new body each time: Typeform signs only the body, so a repeated one is deduplicated
async function post(service: Service, path: string, secret: string) {
  const body = JSON.stringify({ email: 'ada@example.com', n: ++n })
  const res = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'typeform-signature': sign(secret, body) },
    body,
  })
  return { status: res.status, code: ((await res.json()) as { code?: string }).code }
}

t.test("one location's secret cannot post for another location", async (t) => {
  const cfg = config(t)
  const service = await startService({ config: cfg, logStream: captureLogs().stream })
  t.teardown(() => service.close())
  // what `tagrelay location-secrets --source typeform` shows, one per location
  const secrets = Object.fromEntries(locationSecrets(cfg, 'typeform').map((s) => [s.location, s.secret]))
  t.same(Object.keys(secrets).sort(), ['clinicb', 'main'])
  t.not(secrets.main, secrets.clinicb)
  t.not(secrets.main, MASTER)

  t.equal((await post(service, '/hooks/typeform/main', secrets.main!)).status, 202, 'its own secret: accepted')
  t.equal((await post(service, '/hooks/typeform/clinicb', secrets.clinicb!)).status, 202)
  t.equal(
    (await post(service, `/hooks/typeform/${OTHER_ID}`, secrets.clinicb!)).status,
    202,
    'the same location by its HighLevel id: the same secret',
  )
  const crossed = await post(service, '/hooks/typeform/clinicb', secrets.main!)
  t.same(crossed, { status: 401, code: 'TAGRELAY_BAD_SIGNATURE' }, "main's secret posts nothing for clinicb")
  t.equal((await post(service, '/hooks/typeform/main', MASTER)).status, 401, 'nor does the source secret itself')
  t.same(locationSecrets(cfg, 'typeform', LOCATION_ID), [
    { location: 'main', locationId: LOCATION_ID, secret: secrets.main },
  ])
})

t.test('a source that lists its locations refuses the others before reading the body', async (t) => {
  const service = await startService({ config: config(t), logStream: captureLogs().stream })
  t.teardown(() => service.close())
  t.equal((await post(service, '/hooks/mainonly/main', MASTER)).status, 202)
  const other = await post(service, '/hooks/mainonly/clinicb', MASTER)
  t.equal(other.status, 404, 'a location the source does not serve is unknown to it')
  t.equal(other.code, 'TAGRELAY_UNKNOWN_LOCATION')
  t.equal((await service.store.refused.list({ limit: 10 })).length, 0, 'nothing kept')
})

t.test(
  'migration: per-location-or-shared takes both until every sender has moved, and counts the shared',
  async (t) => {
    const cfg = config(t)
    const service = await startService({ config: cfg, logStream: captureLogs().stream })
    t.teardown(() => service.close())
    const [derived] = locationSecrets(cfg, 'moving', 'main')
    t.equal((await post(service, '/hooks/moving/main', derived!.secret)).status, 202)
    t.equal((await post(service, '/hooks/moving/main', MASTER)).status, 202, 'the old shared secret still works')
    const metrics = await (await fetch(`${service.url}/metrics`)).text()
    t.match(metrics, /tagrelay_shared_credential_accepts_total\{source="moving"\} 1/)
  },
)
