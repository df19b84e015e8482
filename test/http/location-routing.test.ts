import { join } from 'node:path'
import t from 'tap'
import { startService, type Service } from '../../src/service.js'
import type { StoredLocation } from '../../src/store/index.js'
import { ADMIN_TOKEN, captureLogs, HL_TOKEN, LOCATION_ID, tempDir, testConfig } from '../helpers/build.js'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }

async function start(t: Tap): Promise<Service> {
  const config = testConfig({
    storeUrl: `sqlite:${join(tempDir(t), 'routing.db')}`,
    delivery: { enabled: false },
    sources: {
      byUrl: { location: { from: 'url' }, verify: { type: 'none' } },
      byBody: { location: { from: 'body', path: 'location.id' }, verify: { type: 'none' } },
    },
    rules: [
      { name: 'url', source: 'byUrl', contact: { email: 'email' }, tags: ['seen'] },
      { name: 'body', source: 'byBody', contact: { email: 'email' }, tags: ['seen'] },
      {
        name: 'only main',
        source: 'byUrl',
        when: { field: '$location', equals: 'main' },
        contact: { email: 'email' },
        tags: ['at-main'],
      },
    ],
    extra: {
      admin: { token: ADMIN_TOKEN },
      highlevel: {
        baseUrl: 'http://127.0.0.1:9',
        locations: { main: { locationId: LOCATION_ID, auth: { type: 'private-integration', token: HL_TOKEN } } },
        app: { clientId: 'app1-x', clientSecret: 'secret-1', redirectUrl: 'https://t.example/oauth/callback' },
      },
    },
  })
  const service = await startService({ config, logStream: captureLogs().stream })
  t.teardown(() => service.close())
  return service
}

const post = async (service: Service, path: string, body: unknown) => {
  const res = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const installed = (id: string, over: Partial<StoredLocation> = {}): StoredLocation => ({
  locationId: id,
  name: `clinic-${id}`,
  companyId: 'co1',
  tokenSource: 'company',
  state: 'active',
  stateReason: null,
  disabled: false,
  installedAt: Date.now(),
  updatedAt: Date.now(),
  ...over,
})

t.test(
  'the location from the URL: by name or locationId; unknown is a 404 with a code and nothing stored',
  async (t) => {
    const service = await start(t)
    const byName = await post(service, '/hooks/byUrl/main', { email: 'a@example.com' })
    t.equal(byName.status, 202)
    t.same(byName.body.tags, ['seen', 'at-main'], '$location reads the routed location')
    t.equal((await post(service, `/hooks/byUrl/${LOCATION_ID}`, { email: 'b@example.com' })).status, 202)
    const jobs = await service.store.housekeeping.listJobs()
    t.same(
      jobs.map((j) => j.location),
      ['main', 'main'],
    )

    const before = await service.store.housekeeping.countEvents()
    const unknown = await post(service, '/hooks/byUrl/nowhere', { email: 'c@example.com' })
    t.equal(unknown.status, 404)
    t.equal(unknown.body.code, 'TAGRELAY_UNKNOWN_LOCATION')
    t.match(unknown.body.message, /nowhere/)
    t.equal((await post(service, '/hooks/byUrl', { email: 'c@example.com' })).body.code, 'TAGRELAY_LOCATION_NOT_IN_URL')
    t.equal(
      (await post(service, '/hooks/open/main', { email: 'c@example.com' })).body.code,
      'TAGRELAY_LOCATION_NOT_IN_URL',
    )
    t.equal(await service.store.housekeeping.countEvents(), before, 'nothing stored')
  },
)

t.test('the location from a payload path', async (t) => {
  const service = await start(t)
  t.equal((await post(service, '/hooks/byBody', { location: { id: LOCATION_ID }, email: 'a@example.com' })).status, 202)
  const missing = await post(service, '/hooks/byBody', { email: 'a@example.com' })
  t.same([missing.status, missing.body.code], [400, 'TAGRELAY_LOCATION_MISSING'])
  const unknown = await post(service, '/hooks/byBody', { location: { id: 'zzz' }, email: 'a@example.com' })
  t.same([unknown.status, unknown.body.code], [404, 'TAGRELAY_UNKNOWN_LOCATION'])
  t.equal(await service.store.housekeeping.countEvents(), 1)
})

t.test(
  'installed locations: found without a restart, renamed, disabled, removed with their jobs dead-lettered',
  async (t) => {
    const service = await start(t)
    // as another replica (or an install) writes it: the first request that names it reads it
    await service.store.directory.saveLocation(installed('instLoc000000000001'))
    t.equal((await post(service, '/hooks/byUrl/instLoc000000000001', { email: 'a@example.com' })).status, 202)
    t.equal((await post(service, '/hooks/byUrl/clinic-instLoc000000000001', { email: 'b@example.com' })).status, 202)

    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${service.url}${path}`, {
        method,
        headers: body ? admin : { authorization: admin.authorization },
        ...(body ? { body: JSON.stringify(body) } : {}),
      })
    const renamed = await api('PATCH', '/admin/locations/clinic-instLoc000000000001', { name: 'north-clinic' })
    t.equal(renamed.status, 200)
    t.equal((await post(service, '/hooks/byUrl/north-clinic', { email: 'c@example.com' })).status, 202)
    t.equal((await api('PATCH', '/admin/locations/north-clinic', { name: 'main' })).status, 409, 'names are unique')
    t.equal((await api('PATCH', '/admin/locations/main', { disabled: true })).status, 409, 'YAML ones change in YAML')
    t.equal((await api('PATCH', '/admin/locations/north-clinic', {})).status, 400)

    t.equal((await api('PATCH', '/admin/locations/north-clinic', { disabled: true })).status, 200)
    const events = await service.store.housekeeping.countEvents()
    const disabled = await post(service, '/hooks/byUrl/north-clinic', { email: 'd@example.com' })
    t.same([disabled.status, disabled.body.code], [404, 'TAGRELAY_LOCATION_DISABLED'])
    t.equal(await service.store.housekeeping.countEvents(), events, 'nothing stored')

    const listed = (await (await api('GET', '/admin/locations')).json()) as { locations: Record<string, unknown>[] }
    t.match(
      listed.locations.find((l) => l.name === 'north-clinic'),
      {
        origin: 'installed',
        disabled: true,
        paused: true,
        reconnectUrl: '/oauth/install',
      },
    )
    t.match(
      listed.locations.find((l) => l.name === 'main'),
      { origin: 'config', disabled: false },
    )

    const removed = await api('DELETE', '/admin/locations/north-clinic')
    t.same(await removed.json(), { removed: 'instLoc000000000001', deadLettered: 3 })
    const dead = await service.store.deadLetters.list()
    t.equal(dead.length, 3)
    t.match(dead[0]?.lastError, /removed through the admin API/)
    const gone = await post(service, '/hooks/byUrl/instLoc000000000001', { email: 'e@example.com' })
    t.same([gone.status, gone.body.code], [404, 'TAGRELAY_LOCATION_GONE'])
    t.equal((await api('DELETE', '/admin/locations/north-clinic')).status, 404)
  },
)

t.test('POST /admin/locations adds a location of an installed agency, not of another', async (t) => {
  const service = await start(t)
  const add = (body: unknown) =>
    fetch(`${service.url}/admin/locations`, { method: 'POST', headers: admin, body: JSON.stringify(body) })
  t.equal((await add({ locationId: 'newLoc01', companyId: 'co1' })).status, 400, 'agency not installed')
  const now = Date.now()
  await service.store.directory.saveCompany({
    companyId: 'co1',
    state: 'active',
    stateReason: null,
    installedAt: now,
    updatedAt: now,
  })
  const res = await add({ locationId: 'newLoc01', companyId: 'co1', name: 'west' })
  t.equal(res.status, 201)
  t.match(await res.json(), { location: { name: 'west', origin: 'installed', state: 'active' } })
  t.equal((await post(service, '/hooks/byUrl/west', { email: 'a@example.com' })).status, 202)
})
