import { join } from 'node:path'
import t from 'tap'
import { compileConfigRules } from '../../../src/config/index.js'
import { DeliveryWorker } from '../../../src/delivery/index.js'
import { HighLevelClient, type LocationAuth } from '../../../src/highlevel/index.js'
import { buildApp } from '../../../src/http/index.js'
import { createLogger } from '../../../src/log.js'
import { createSourceRegistry } from '../../../src/sources/index.js'
import { openStore } from '../../../src/store/index.js'
import { runReplay } from '../../../src/commands/replay.js'
import { captureLogs, HL_TOKEN, LOCATION_ID, tempDir, testConfig, testSandbox } from '../../helpers/build.js'
import { deliveryDefaults } from '../../helpers/delivery.js'

const ADMIN = 'adm-9d2e7c4b1a0f4e3d8c6b'
const auth = { authorization: `Bearer ${ADMIN}` }

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

async function setup(t: Tap) {
  const sandbox = await testSandbox(t)
  const storeUrl = `sqlite:${join(tempDir(t), 'dl.db')}`
  const config = testConfig({ storeUrl, baseUrl: sandbox.url })
  config.admin.token = ADMIN
  const store = await openStore({ url: storeUrl })
  const logger = createLogger({ level: 'silent', stream: captureLogs().stream })
  const client = new HighLevelClient({ baseUrl: sandbox.url, timeoutMs: 2000 })
  const worker = new DeliveryWorker({
    ...deliveryDefaults(),
    store,
    client,
    logger,
    locations: new Map<string, LocationAuth>([['main', { locationId: LOCATION_ID, accessToken: () => HL_TOKEN }]]),
    batchSize: 100,
    pollIntervalMs: 20,
    leaseMs: 5000,
    backoff: { baseMs: 1, maxMs: 5 },
    // not found is dead at once here (no window): these tests are about the dead letters
    contactNotFoundRetryHours: 0,
  })
  let woken = 0
  const rules = compileConfigRules(config)
  const app = await buildApp({
    config,
    store,
    sources: createSourceRegistry(config.sources),
    rules: () => rules,
    logger,
    onAccepted: () => woken++,
  })
  t.teardown(async () => {
    await app.close()
    await client.close()
    await store.close()
  })
  // Two events for an email HighLevel does not know yet: two dead letters.
  const ids: string[] = []
  for (const n of [1, 2]) {
    const id = `evt-dl-${n}`
    await store.intake.accept(
      { id, source: 'forms', receivedAt: Date.now() - 1, headers: {}, body: { n }, tags: ['lead'], explain: null },
      [{ location: 'main', contact: { email: 'later@example.com' }, add: [`t${n}`], remove: [], rules: ['signup'] }],
    )
    ids.push(id)
  }
  await worker.runOnce()
  return { sandbox, store, app, worker, ids, storeUrl, config, woken: () => woken }
}

t.test("dead letters: list, inspect with the event and HighLevel's answer, replay delivers, discard", async (t) => {
  const { sandbox, store, app, worker, ids, woken } = await setup(t)
  t.equal((await app.inject({ url: '/admin/dead-letters' })).statusCode, 401, 'behind the admin token')

  const list = (await app.inject({ url: '/admin/dead-letters', headers: auth })).json()
  t.equal(list.items.length, 2)
  t.same(
    list.items.map((d: { eventId: string }) => d.eventId),
    ids,
    'each linked to its event',
  )
  const [first, second] = list.items as { id: number }[]

  const one = await app.inject({ url: `/admin/dead-letters/${first?.id}`, headers: auth })
  t.equal(one.statusCode, 200)
  t.match(one.json(), {
    eventId: ids[0],
    event: { id: ids[0], source: 'forms' },
    lastError: /TAGRELAY_CONTACT_NOT_FOUND/,
    history: [{ outcome: 'dead' }],
  })
  const isoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
  t.match(list.items[0], { deadSince: isoTime }, 'every time in the admin API is ISO 8601')
  t.match(one.json(), {
    deadSince: isoTime,
    history: [{ startedAt: isoTime, finishedAt: isoTime }],
    event: { receivedAt: isoTime },
  })

  // The operator creates the contact in HighLevel, then replays one.
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, email: 'later@example.com' })
  const replay = await app.inject({ method: 'POST', url: `/admin/dead-letters/${first?.id}/replay`, headers: auth })
  t.same(replay.json(), { replayed: [first?.id] })
  t.equal(woken(), 1, 'the worker is woken')
  await worker.runOnce()
  t.same(sandbox.getContact(contact.id)?.tags, ['t1'], 'replay delivers')
  t.equal(
    (await app.inject({ url: `/admin/dead-letters/${first?.id}`, headers: auth })).statusCode,
    404,
    'no longer a dead letter',
  )

  const discard = await app.inject({ method: 'DELETE', url: `/admin/dead-letters/${second?.id}`, headers: auth })
  t.equal(discard.statusCode, 204)
  t.same((await app.inject({ url: '/admin/dead-letters', headers: auth })).json().items, [])
  t.ok(await store.trail.getEvent(ids[1] as string), 'discard keeps the event')
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/admin/dead-letters/${second?.id}`, headers: auth })).json().code,
    'TAGRELAY_DEAD_LETTER_NOT_FOUND',
  )
  t.equal((await app.inject({ url: '/admin/dead-letters/abc', headers: auth })).statusCode, 400)
})

t.test('replay all through the admin API and tagrelay replay', async (t) => {
  const { sandbox, store, app, worker, config } = await setup(t)
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, email: 'later@example.com' })
  const res = await app.inject({
    method: 'POST',
    url: '/admin/dead-letters/replay',
    headers: auth,
    payload: { all: true },
  })
  t.equal(res.json().replayed.length, 2)
  t.equal(
    (await app.inject({ method: 'POST', url: '/admin/dead-letters/replay', headers: auth, payload: {} })).statusCode,
    400,
  )
  await worker.runOnce()
  t.same([...(sandbox.getContact(contact.id)?.tags ?? [])].sort(), ['t1', 't2'])

  // Dead again (contact gone from the cache's point of view: a new unknown email), then the CLI.
  await store.intake.accept(
    { id: 'evt-dl-cli', source: 'forms', receivedAt: Date.now() - 1, headers: {}, body: {}, tags: [], explain: null },
    [{ location: 'main', contact: { email: 'cli@example.com' }, add: ['cli'], remove: [], rules: ['signup'] }],
  )
  await worker.runOnce()
  const lines: string[] = []
  t.same(await runReplay(config, {}, (l) => lines.push(l)), [])
  t.match(lines.join('\n'), /event evt-dl-cli\tmain\tcli@example.com/)
  const [dead] = await store.deadLetters.list()
  const cli = sandbox.seedContact({ locationId: LOCATION_ID, email: 'cli@example.com' })
  t.same(await runReplay(config, { id: dead?.id as number }, (l) => lines.push(l)), [dead?.id])
  await worker.runOnce()
  t.same(sandbox.getContact(cli.id)?.tags, ['cli'])
  t.same(await runReplay(config, { all: true }, (l) => lines.push(l)), [])
  t.match(lines.at(-1), /replayed 0 dead letters/)
})
