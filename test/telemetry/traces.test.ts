import { join } from 'node:path'
import { context, propagation, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node'
import t from 'tap'
import { until } from '../helpers/until.js'
import { request } from 'undici'
import { startService, type Service } from '../../src/service.js'
import { setTracingEnabled, startTracingFromEnv, tracingRequested } from '../../src/telemetry/index.js'
import { captureLogs, LOCATION_ID, SOURCE_TOKEN, tempDir, testConfig, testSandbox } from '../helpers/build.js'

const exporter = new InMemorySpanExporter()
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
provider.register()
setTracingEnabled(true)
t.teardown(async () => {
  setTracingEnabled(false)
  await provider.shutdown()
  trace.disable()
  context.disable()
  propagation.disable()
})

async function post(service: Service, email: string): Promise<string> {
  const res = await request(`${service.url}/hooks/forms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
    body: JSON.stringify({ type: 'signup', email }),
  })
  t.equal(res.statusCode, 202)
  return ((await res.body.json()) as { id: string }).id
}

const spans = () => exporter.getFinishedSpans()
const named = (name: string) => spans().filter((s) => s.name === name)
const attr = (eventId: string) => (s: { attributes: Record<string, unknown> }) =>
  s.attributes['tagrelay.event_id'] === eventId ||
  (s.attributes['tagrelay.event_ids'] as string[] | undefined)?.includes(eventId) === true

t.test('the webhook span and the HighLevel call span are in one trace; log lines carry trace_id', async (t) => {
  exporter.reset()
  const sandbox = await testSandbox(t)
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, email: 'ada@example.com' })
  const logs = captureLogs()
  const config = testConfig({ storeUrl: `sqlite:${join(tempDir(t), 'trace.db')}`, baseUrl: sandbox.url })
  const service = await startService({ config, logStream: logs.stream })
  t.teardown(() => service.close())
  const id = await post(service, 'ada@example.com')
  await until(t, 'tags in the sandbox', () => (sandbox.getContact(contact.id)?.tags.length ?? 0) === 2)
  // the spans end after the sandbox has the tags: wait for the tag call's span and the round's
  const tagCall = (s: { name: string }) => s.name === 'highlevel.add_tags' || s.name === 'highlevel.bulk_add_tags'
  await until(t, 'the tag call span', () => spans().some((s) => tagCall(s) && attr(id)(s)))
  await until(t, 'the round span', () => named('tagrelay.delivery_round').some(attr(id)))

  const webhook = named('tagrelay.webhook').find(attr(id))!
  t.ok(webhook, 'a webhook span')
  t.match(webhook.attributes, { 'tagrelay.source': 'forms', 'tagrelay.event_id': id, 'tagrelay.location': 'main' })
  const traceId = webhook.spanContext().traceId
  for (const step of ['tagrelay.verify', 'tagrelay.parse', 'tagrelay.rules', 'tagrelay.store'])
    t.ok(
      named(step).some((s) => s.spanContext().traceId === traceId),
      `${step} is a step of the webhook's trace`,
    )
  t.same(named('tagrelay.rules').find((s) => s.spanContext().traceId === traceId)?.attributes['tagrelay.rules'], [
    'signup',
  ])
  const calls = spans().filter((s) => s.name.startsWith('highlevel.') && attr(id)(s))
  t.ok(calls.length >= 1)
  t.ok(
    calls.every((c) => c.spanContext().traceId === traceId),
    `every HighLevel call for the event is in the webhook's trace (${calls.map((c) => c.name).join(', ')})`,
  )
  t.ok(calls.some(tagCall))
  const round = named('tagrelay.delivery_round').find(attr(id))
  t.ok(
    round?.links.some((l) => l.context.traceId === traceId),
    'the round links to the webhook',
  )
  t.ok(named('tagrelay.resolve_contacts').length >= 1, 'a contact resolution span')

  const accepted = logs.lines().find((l) => l.msg === 'event accepted' && l.eventId === id)
  t.equal(accepted?.trace_id, traceId, 'the log line carries the trace id')
})

t.test('delivered after a restart, the HighLevel call still joins the webhook trace', async (t) => {
  exporter.reset()
  const storeUrl = `sqlite:${join(tempDir(t), 'restart.db')}`
  const first = await startService({
    config: testConfig({ storeUrl, delivery: { enabled: false } }),
    logStream: captureLogs().stream,
  })
  const id = await post(first, 'bo@example.com')
  await first.close()
  const traceId = named('tagrelay.webhook').find(attr(id))?.spanContext().traceId
  t.ok(traceId)
  exporter.reset()

  const sandbox = await testSandbox(t)
  const contact = sandbox.seedContact({ locationId: LOCATION_ID, email: 'bo@example.com' })
  const second = await startService({
    config: testConfig({ storeUrl, baseUrl: sandbox.url }),
    logStream: captureLogs().stream,
  })
  t.teardown(() => second.close())
  await until(t, 'tags in the sandbox', () => (sandbox.getContact(contact.id)?.tags.length ?? 0) === 2)
  await until(t, 'the call span', () => spans().some((s) => s.name.endsWith('add_tags') && attr(id)(s)))
  const call = spans().find((s) => s.name.endsWith('add_tags') && attr(id)(s))!
  t.equal(call.spanContext().traceId, traceId, 'same trace, across the restart')
  t.equal(named('tagrelay.webhook').length, 0, 'no webhook in this process: the context came from the store')
})

t.test('tracing starts only when OTEL_* asks for it', async (t) => {
  t.notOk(tracingRequested({}))
  t.notOk(tracingRequested({ OTEL_RESOURCE_ATTRIBUTES: 'a=b' }), 'not every OTEL_ variable')
  t.ok(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))
  t.ok(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp' }))
  t.notOk(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }))
  t.notOk(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }))
  t.equal(await startTracingFromEnv({}), undefined)
})
