import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { startTracingFromEnv, tracingEnabled, withSpan } from '../../src/telemetry/index.js'

t.test('with OTEL_EXPORTER_OTLP_ENDPOINT set, spans reach the collector over OTLP/HTTP', async (t) => {
  const posts: Array<{ url: string; type: string; bytes: number }> = []
  const sink = createServer((req, res) => {
    let bytes = 0
    req.on('data', (c: Buffer) => (bytes += c.length))
    req.on('end', () => {
      posts.push({ url: req.url ?? '', type: req.headers['content-type'] ?? '', bytes })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r))
  t.teardown(() => sink.close())
  const endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint
  t.notOk(tracingEnabled(), 'off before')
  const tracing = await startTracingFromEnv({
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_SERVICE_NAME: 'tagrelay-test',
  })
  t.ok(tracing)
  t.ok(tracingEnabled(), 'on once started')
  t.equal(
    withSpan('tagrelay.test', { 'tagrelay.source': 'x' }, (span) => span?.spanContext().traceId.length),
    32,
    'a real span',
  )
  await tracing!.shutdown()
  t.notOk(tracingEnabled(), 'off after shutdown')
  t.equal(posts.length, 1, 'the batch was flushed at shutdown')
  t.equal(posts[0]?.url, '/v1/traces')
  t.ok((posts[0]?.bytes ?? 0) > 0)
})
