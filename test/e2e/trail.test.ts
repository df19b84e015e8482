import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { startService } from '../../src/service.js'
import {
  ADMIN_TOKEN,
  captureLogs,
  HL_TOKEN,
  LOCATION_ID,
  SOURCE_TOKEN,
  tempDir,
  testConfig,
  testSandbox,
} from '../helpers/build.js'
import { sample } from '../helpers/metrics.js'
import { holds as until } from '../helpers/until.js'

t.test("one event's trail from receipt to HighLevel's answer, and the metrics it moved", async (t) => {
  const sandbox = await testSandbox(t)
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, email: 'ada@example.com' })
  const config = testConfig({
    storeUrl: `sqlite:${join(tempDir(t), 'trail.db')}`,
    baseUrl: sandbox.url,
    extra: { admin: { token: ADMIN_TOKEN } },
  })
  const service = await startService({ config, logStream: captureLogs().stream })
  t.teardown(() => service.close())

  const posted = await request(`${service.url}/hooks/forms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN, 'user-agent': 'FormsCo/2' },
    body: JSON.stringify({ type: 'signup', email: 'ADA@example.com' }),
  })
  t.equal(posted.statusCode, 202)
  const { id } = (await posted.body.json()) as { id: string }
  t.ok(await until(async () => (await service.store.housekeeping.countJobs('done')) === 1), 'delivered')

  const admin = (path: string) =>
    request(`${service.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  const res = await admin(`/admin/events/${id}`)
  t.equal(res.statusCode, 200)
  const text = await res.body.text()
  t.notOk(text.includes(SOURCE_TOKEN), 'no source token in the trail')
  t.notOk(text.includes(HL_TOKEN), 'no HighLevel token in the trail')
  const trail = JSON.parse(text)
  t.match(trail, {
    id,
    source: 'forms',
    status: 'done',
    request: {
      headers: { 'user-agent': 'FormsCo/2', 'x-tagrelay-token': '[redacted]' },
      body: { type: 'signup', email: 'ADA@example.com' },
    },
    verification: { verified: true, method: 'token' },
    rules: { tags: ['lead', 'signed up'], trace: [{ rule: 'signup', matched: true }] },
    intents: [{ location: 'main', contact: { email: 'ada@example.com' }, add: ['lead', 'signed up'] }],
  })
  t.equal(trail.jobs.length, 1)
  const [job] = trail.jobs
  t.match(job, { status: 'done', attempts: 1, contactId: contact.id, nextAttemptAt: null })
  t.equal(job.trail.length, 1, 'one HighLevel attempt')
  t.match(job.trail[0], { attempt: 1, outcome: 'done', error: null, contactId: contact.id })
  t.ok(job.trail[0].statusCode >= 200 && job.trail[0].statusCode < 300, `HighLevel answered ${job.trail[0].statusCode}`)
  t.match(JSON.stringify(job.trail[0].response), /signed up/, "HighLevel's response body is kept")
  t.same(sandbox.getContact(contact.id)?.tags, ['lead', 'signed up'])

  const list = (await (await admin(`/admin/events?contact=ada@example.com&status=done`)).body.json()) as {
    events: Array<{ id: string }>
  }
  t.same(
    list.events.map((e) => e.id),
    [id],
    'found by contact and status',
  )

  const metrics = await (await request(`${service.url}/metrics`)).body.text()
  t.equal(sample(metrics, 'tagrelay_deliveries_total', { location: 'main', outcome: 'done' }), 1)
  t.ok(
    (sample(metrics, 'tagrelay_highlevel_request_duration_seconds_count', { status: '200' }) ?? 0) +
      (sample(metrics, 'tagrelay_highlevel_request_duration_seconds_count', { status: '201' }) ?? 0) >=
      1,
    'HighLevel calls timed',
  )
  t.match(
    metrics,
    /tagrelay_highlevel_request_duration_seconds_count\{endpoint="POST \/contacts\/:contactId\/tags",status="20\d"\} 1/,
    'by route template, never with ids',
  )
  t.notOk(metrics.includes(contact.id), 'no contact id in any label')
  t.equal(sample(metrics, 'tagrelay_queue_depth', { location: 'main' }), undefined, 'nothing pending')
  const remaining = sample(metrics, 'tagrelay_highlevel_rate_remaining', { location: 'main', window: 'burst' })
  t.ok(remaining !== undefined && remaining >= 0, `the sandbox's rate budget is exported (${remaining})`)
})
