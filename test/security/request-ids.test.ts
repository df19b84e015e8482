import { connect } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { compileConfigRules } from '../../src/config/index.js'
import { createLogger } from '../../src/log.js'
import { createSourceRegistry } from '../../src/sources/index.js'
import { openStore } from '../../src/store/index.js'
import { captureLogs, tempDir, testConfig } from '../helpers/build.js'
import type * as AppModule from '../../src/http/app.js'

/** One raw HTTP/1.1 exchange: an absolute-form request line, as a proxy or a fuzzer sends it. */
function rawPost(port: number, target: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let got = ''
    socket.on('data', (d) => (got += d.toString('utf8')))
    socket.on('error', reject)
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0)
      resolve({ status, body: got.slice(got.indexOf('\r\n\r\n') + 4) })
    })
    socket.write(
      `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  })
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

t.test('an absolute-form webhook after a restart is accepted: its id is new, not req-1 again', async (t) => {
  const dir = tempDir(t)
  const config = testConfig({ storeUrl: `sqlite:${join(dir, 'ids.db')}` })
  const ids: string[] = []
  // two runs of the process: the app module is loaded afresh each time, as after a restart
  for (const run of [1, 2]) {
    const { buildApp } = (await import(`../../src/http/app.js?run=${run}`)) as typeof AppModule
    const store = await openStore({ url: config.store.url })
    const app = await buildApp({
      config,
      store,
      sources: createSourceRegistry(config.sources),
      rules: () => compileConfigRules(config),
      logger: createLogger({ level: 'silent', stream: captureLogs().stream }),
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const port = (app.server.address() as { port: number }).port
    const res = await rawPost(port, `http://127.0.0.1:${port}/hooks/open`, JSON.stringify({ email: 'a@example.com' }))
    t.equal(res.status, 202, `run ${run}: accepted (${res.body})`)
    const id = (JSON.parse(res.body) as { id: string }).id
    t.match(id, UUID_V7, `run ${run}: the event id is a UUIDv7`)
    ids.push(id)
    await app.close()
    t.equal(await store.housekeeping.countEvents(), run, `run ${run}: every event stored`)
    await store.close()
  }
  t.not(ids[0], ids[1])
})
