import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCheck } from '../../src/commands/check.js'
import { runReplay } from '../../src/commands/replay.js'
import { runRerun } from '../../src/commands/rerun.js'
import { testRule } from '../../src/commands/test-rule.js'
import { compileConfigRules, loadConfigFile, type Config } from '../../src/config/index.js'
import { DeliveryWorker } from '../../src/delivery/index.js'
import { HighLevelClient, type LocationAuth } from '../../src/highlevel/index.js'
import { buildApp } from '../../src/http/index.js'
import { createLogger } from '../../src/log.js'
import { createSourceRegistry } from '../../src/sources/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import {
  ADMIN_TOKEN,
  captureLogs,
  HL_TOKEN,
  LOCATION_ID,
  SOURCE_TOKEN,
  tempDir,
  testSandbox,
} from '../helpers/build.js'
import { deliveryDefaults, hours } from '../helpers/delivery.js'

/**
 * Issue 30, item 1 end to end: a new person caught by a rule without `create:` is warned
 * about by `check`, `test-rule`, the 202 answer and the console's "why"; the job dies as
 * a dead letter; the rule is fixed (a `create:` whose one field the event does not carry);
 * one `rerun --replan` (and, for a second person, one `replay`) creates the contact in
 * the sandbox and lands the tag.
 */
const yaml = (dir: string, sandboxUrl: string, create: string): string => `
server: { host: 127.0.0.1, port: 0 }
store: { url: "sqlite:${join(dir, 'tagrelay.db')}" }
admin: { token: ${ADMIN_TOKEN} }
highlevel:
  baseUrl: ${sandboxUrl}
  locations: { main: { locationId: ${LOCATION_ID}, auth: { type: private-integration, token: ${HL_TOKEN} } } }
sources: { forms: { location: main, verify: { type: token, token: ${SOURCE_TOKEN} } } }
rules:
  - name: newsletter
    source: forms
    contact: { email: email${create} }
    tags: [newsletter]
`

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

async function setup(t: Tap) {
  const sandbox = await testSandbox(t)
  const dir = tempDir(t)
  const file = join(dir, 'tagrelay.yaml')
  writeFileSync(file, yaml(dir, sandbox.url, ''), { mode: 0o600 })
  writeFileSync(join(dir, 'payload.json'), JSON.stringify({ email: 'new@example.com' }))
  const config = loadConfigFile(file)
  const store = await openStore(config.store)
  const logger = createLogger({ level: 'silent', stream: captureLogs().stream })
  const client = new HighLevelClient({ baseUrl: sandbox.url, timeoutMs: 2000 })
  const worker = (notFoundMs: number) =>
    new DeliveryWorker({
      ...deliveryDefaults(),
      store,
      client,
      logger,
      locations: new Map<string, LocationAuth>([['main', { locationId: LOCATION_ID, accessToken: () => HL_TOKEN }]]),
      batchSize: 100,
      pollIntervalMs: 20,
      leaseMs: 5000,
      backoff: { baseMs: 1, maxMs: 2 },
      contactNotFoundRetryHours: hours(notFoundMs),
    })
  const rules = compileConfigRules(config)
  const app = await buildApp({
    config,
    store,
    sources: createSourceRegistry(config.sources),
    rules: () => rules,
    logger,
  })
  t.teardown(async () => {
    await app.close()
    await client.close()
    await store.close()
  })
  return { sandbox, dir, file, config, store, app, worker }
}

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }

/** Runs the worker until `id`'s one job is dead: not found, its window (0 here) over. */
async function untilDead(store: Store, worker: DeliveryWorker, eventId: string): Promise<number> {
  for (;;) {
    await worker.runOnce()
    const [job] = await store.housekeeping.listJobs({ eventId })
    if (job?.status === 'dead') return job.id
  }
}

t.test('a new person without create: is warned about, dies, and comes back with one rerun or replay', async (t) => {
  const { sandbox, dir, file, config, store, app, worker } = await setup(t)

  // warned before it happens: check and test-rule
  const checked = runCheck(file)
  t.match(checked.warnings, [
    'rule "newsletter" finds its contact by email and cannot create it: new people wait up to 24 h, then become dead letters; add `create:` to make them',
  ])
  const explained = testRule({ config: file, source: 'forms', payload: join(dir, 'payload.json') })
  t.match(explained, /new@example\.com: add newsletter/)
  t.match(explained, /if missing in HighLevel: not created \(new people wait up to 24 h, then become dead letters/)
  const asJson = JSON.parse(
    testRule({ config: file, source: 'forms', payload: join(dir, 'payload.json'), json: true }),
  ) as { jobs: unknown }
  t.match(asJson.jobs, [{ contact: { email: 'new@example.com' }, ifNew: 'wait' }])

  // the 202 answer's per-job summary
  const res = await app.inject({
    method: 'POST',
    url: '/hooks/forms',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
    payload: { email: 'new@example.com' },
  })
  t.equal(res.statusCode, 202)
  const accepted = res.json<{ id: string; jobs: unknown }>()
  t.match(accepted.jobs, [
    {
      location: 'main',
      contact: { email: 'new@example.com' },
      add: ['newsletter'],
      remove: [],
      ifNew: 'wait',
      note: /the job waits for it: new people wait up to 24 h, then become dead letters; add `create:` to make them/,
    },
  ])

  // the console's why while the job waits (the worker with the default 24 h window)
  await worker(24 * 3_600_000).runOnce()
  const waiting = (await app.inject({ url: `/admin/events/${accepted.id}`, headers: auth })).json<{ why: string }>()
  t.match(
    waiting.why,
    /^`newsletter` waiting for the contact to exist in HighLevel \(since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z; new people wait up to 24 h, then become dead letters; add `create:` to make them\)/,
  )

  // the window runs out: a dead letter
  const deadId = await untilDead(store, worker(0), accepted.id)
  t.equal(sandbox.findByEmail(LOCATION_ID, 'new@example.com'), null, 'nobody was created')

  // the rule is fixed: create: with a field the event does not carry (every field missing)
  writeFileSync(file, yaml(dir, sandbox.url, ', create: { firstName: first_name }'), { mode: 0o600 })
  t.notMatch(runCheck(file).warnings.join('\n'), /cannot create it/, 'check is quiet once the rule creates')
  const fixed: Config = loadConfigFile(file)
  const lines: string[] = []
  await runRerun(fixed, file, { id: accepted.id, dryRun: true }, (l) => lines.push(l))
  t.match(lines.join('\n'), /nothing new/, 'the tags are the same...')
  t.match(lines.join('\n'), new RegExp(`job ${deadId} \\(dead, new@example.com at main\\): now created if missing`))
  t.match(lines.join('\n'), /1 job is still pending or dead: add --replan to re-plan it under the current rules/)
  lines.length = 0
  await runRerun(fixed, file, { id: accepted.id, dryRun: false, replan: true }, (l) => lines.push(l))
  t.match(lines.at(-1), /enqueued 0 jobs for 1 event; re-planned 1 waiting job/)
  await worker(0).runOnce()
  const created = sandbox.findByEmail(LOCATION_ID, 'new@example.com')
  t.ok(created, 'one rerun created the contact')
  t.same(created?.tags, ['newsletter'], 'and landed the tag')
  t.equal((await store.housekeeping.listJobs({ eventId: accepted.id }))[0]?.status, 'done')

  // a second new person, dead under the old rules, comes back with one replay
  const second = await app.inject({
    method: 'POST',
    url: '/hooks/forms',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
    payload: { email: 'later@example.com' },
  })
  const secondId = second.json<{ id: string }>().id
  const dead2 = await untilDead(store, worker(0), secondId)
  t.same(await runReplay({ ...fixed, store: config.store }, { id: dead2 }, () => {}), [dead2])
  await worker(0).runOnce()
  t.same(sandbox.findByEmail(LOCATION_ID, 'later@example.com')?.tags, ['newsletter'], 'one replay created it too')
})
