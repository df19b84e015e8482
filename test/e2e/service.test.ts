import { join } from 'node:path'
import t from 'tap'
import { until } from '../helpers/until.js'
import { request } from 'undici'
import { startService, type Service } from '../../src/service.js'
import { captureLogs, HL_TOKEN, LOCATION_ID, SOURCE_TOKEN, tempDir, testConfig, testSandbox } from '../helpers/build.js'

async function post(
  service: Service,
  body: unknown,
): Promise<{ status: number; json: { id: string; tags: string[] } }> {
  const res = await request(`${service.url}/hooks/forms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
    body: JSON.stringify(body),
  })
  return { status: res.statusCode, json: (await res.body.json()) as { id: string; tags: string[] } }
}

t.test('an event posted over HTTP ends as tags on the sandbox contact', async (t) => {
  const sandbox = await testSandbox(t)
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, email: 'ada@example.com' })
  const logs = captureLogs()
  const config = testConfig({ storeUrl: `sqlite:${join(tempDir(t), 'e2e.db')}`, baseUrl: sandbox.url })
  const service = await startService({ config, logStream: logs.stream })
  t.teardown(() => service.close())

  const res = await post(service, { type: 'signup', email: 'ADA@example.com' })
  t.equal(res.status, 202)
  t.same(res.json.tags, ['lead', 'signed up'])
  await until(t, 'tags in the sandbox', () => (sandbox.getContact(contact.id)?.tags.length ?? 0) === 2)
  t.same(sandbox.getContact(contact.id)?.tags, ['lead', 'signed up'])

  await service.close()
  const text = logs.text()
  t.notOk(text.includes(SOURCE_TOKEN), 'the source token never reaches the logs')
  t.notOk(text.includes(HL_TOKEN), 'the HighLevel token never reaches the logs')
  const aboutEvent = logs
    .lines()
    .filter((l) => l.eventId === res.json.id)
    .map((l) => l.msg)
  t.ok(
    aboutEvent.includes('event accepted') && aboutEvent.includes('tags applied'),
    'receipt and delivery lines carry the event id',
  )
})

t.test('jobs pending at shutdown are delivered after a restart on the same SQLite file', async (t) => {
  const dir = tempDir(t)
  const storeUrl = `sqlite:${join(dir, 'restart.db')}`
  // First run: HighLevel is unreachable, so every job stays pending.
  const first = await startService({
    config: testConfig({ storeUrl, baseUrl: 'http://127.0.0.1:9' }),
    logStream: captureLogs().stream,
  })
  const ids: string[] = []
  for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
    const res = await post(first, { type: 'signup', email })
    t.equal(res.status, 202)
    ids.push(res.json.id)
  }
  // the engine has tried and failed (the circuit breaker may hold the other jobs back unattempted)
  await until(t, 'a failed attempt', async () =>
    (await first.store.housekeeping.listJobs()).some((j) => j.attempts > 0),
  )
  t.equal(await first.store.housekeeping.countJobs('pending'), 3)
  await first.close()

  // Second run: same file, HighLevel back.
  const sandbox = await testSandbox(t)
  const contacts = ['a@example.com', 'b@example.com', 'c@example.com'].map((email) =>
    sandbox.seedContact({ locationId: LOCATION_ID, email }),
  )
  const second = await startService({
    config: testConfig({ storeUrl, baseUrl: sandbox.url }),
    logStream: captureLogs().stream,
  })
  t.teardown(() => second.close())
  await until(t, 'all jobs delivered', async () => (await second.store.housekeeping.countJobs('done')) === 3)
  for (const c of contacts) t.same(sandbox.getContact(c.id)?.tags, ['lead', 'signed up'], `${c.email} tagged`)
  for (const id of ids) t.ok(await second.store.trail.getEvent(id), 'every acknowledged event survived the restart')
})

t.test('close() stops accepting: a request after close is refused', async (t) => {
  const config = testConfig({ storeUrl: `sqlite:${join(tempDir(t), 'close.db')}` })
  const service = await startService({ config, logStream: captureLogs().stream })
  await service.close()
  await t.rejects(post(service, { type: 'signup', email: 'x@example.com' }))
})
