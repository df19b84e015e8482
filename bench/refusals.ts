import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import type { AddressInfo } from 'node:net'
import { compileConfigRules, validateConfig } from '../src/config/index.js'
import { buildApp } from '../src/http/index.js'
import { createLogger } from '../src/log.js'
import { createSourceRegistry } from '../src/sources/index.js'
import { openStore } from '../src/store/index.js'

/**
 * A flood of refusals beside a valid sender (issue 29, finding 1). The app listens on
 * loopback over a SQLite file (synchronous=FULL, its writer thread, backpressure on as
 * by default); a client on a thread of its own (its clock is not the server's event
 * loop) first sends one valid signed webhook every 250 ms alone (BENCH_BASELINE of them),
 * then the same beside BENCH_FLOOD (300) requests of 1 MB with a bad signature at
 * concurrency 20 to the same source, until the flood is done. Must hold: every valid
 * webhook accepted, its p99 at most 3 times its p99 without the flood, RSS bounded.
 * BENCH_GATE=off reads every large body at once (the body gate's baseline).
 */
const FLOOD = Number(process.env.BENCH_FLOOD ?? 300)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20)
const FLOOD_BYTES = Number(process.env.BENCH_FLOOD_BYTES ?? 1_000_000)
const BASELINE = Number(process.env.BENCH_BASELINE ?? 40)
const INTERVAL_MS = 250
const SECRET = 'bench-calendly-signing-key-0123456789'

/**
 * The clients, plain JavaScript for worker threads (node:http with keep-alive, nothing
 * shared with the server): `valid` paces signed webhooks until told to stop, `flood`
 * sends the bad-signature megabytes. Two threads, so that the valid sender's clock is
 * not held up by the flood's own writes.
 */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads')
const http = require('node:http')
const { createHmac } = require('node:crypto')
const { role, port, secret, flood, concurrency, floodBytes, count, intervalMs } = workerData
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency + 4 })
function post(body, signature) {
  return new Promise((resolve) => {
    const start = performance.now()
    const req = http.request({ host: '127.0.0.1', port, path: '/hooks/calendly', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length, 'calendly-webhook-signature': signature } },
      (res) => { res.resume(); res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - start })) })
    // an answer that never comes counts as a failure (status 0), never as a hang
    req.setTimeout(60000, () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve({ status: 0, ms: performance.now() - start }))
    req.end(body)
  })
}
async function valid() {
  let stop = false
  parentPort.on('message', (m) => { if (m === 'stop') stop = true })
  const out = [], pending = []
  for (let n = 0; !stop && (count === 0 || n < count); n++) {
    const body = Buffer.from(JSON.stringify({ event: 'invitee.created', payload: { email: 'bench+' + role + n + '@example.com' } }))
    const ts = Math.floor(Date.now() / 1000)
    const sig = 't=' + ts + ',v1=' + createHmac('sha256', secret).update(ts + '.').update(body).digest('hex')
    pending.push(post(body, sig).then((r) => out.push(r)))
    await new Promise((r) => setTimeout(r, intervalMs))
  }
  await Promise.all(pending)
  parentPort.postMessage({ samples: out })
}
async function floodAll() {
  const big = Buffer.alloc(floodBytes, 'a')
  big.write('{"payload":{"email":"flood@example.com","pad":"')
  big.write('"}}', floodBytes - 3)
  const badSig = 't=' + Math.floor(Date.now() / 1000) + ',v1=' + '0'.repeat(64)
  let next = 0
  const statuses = {}
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < flood) { next++; const r = await post(big, badSig); statuses[r.status] = (statuses[r.status] || 0) + 1 }
  }))
  parentPort.postMessage({ statuses })
}
;(role === 'flood' ? floodAll() : valid()).then(() => agent.destroy())
`

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return Math.round((sorted[Math.ceil(sorted.length * 0.99) - 1] ?? 0) * 10) / 10
}

interface Sample {
  status: number
  ms: number
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tagrelay-bench-refusals-'))
  try {
    const config = validateConfig(
      {
        // BENCH_GATE=off: every large body read at once, as before the body gate (the baseline)
        server: {
          host: '127.0.0.1',
          port: 0,
          ...(process.env.BENCH_GATE === 'off' ? { largeBodies: { atOnce: 1000 } } : {}),
        },
        store: { url: `sqlite:${join(dir, 'refusals.db')}` },
        highlevel: {
          locations: { main: { locationId: 'loc0', auth: { type: 'private-integration', token: 'x'.repeat(20) } } },
        },
        sources: { calendly: { location: 'main', verify: { type: 'calendly', secret: SECRET } } },
        ...(process.env.BENCH_KEEP === '0' ? { refused: { enabled: false } } : {}),
        rules: [{ name: 'booked', source: 'calendly', contact: { email: 'payload.email' }, tags: ['booked'] }],
      },
      'bench',
      { env: {} },
    )
    const store = await openStore({ url: config.store.url })
    const rules = compileConfigRules(config)
    const app = await buildApp({
      config,
      store,
      sources: createSourceRegistry(config.sources, { bodyLimit: config.server.bodyLimit }),
      rules: () => rules,
      logger: createLogger({ level: 'silent' }),
    })
    // the server's own time per valid webhook (first byte of the request to the 202 sent)
    const serverMs: number[] = []
    let flooding = false
    const serverBeside: number[] = []
    app.addHook('onResponse', async (_request, reply) => {
      if (reply.statusCode === 202) (flooding ? serverBeside : serverMs).push(reply.elapsedTime)
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const delay = monitorEventLoopDelay({ resolution: 10 })
    delay.enable()
    const elu0 = performance.eventLoopUtilization()
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    let rssMax = process.memoryUsage().rss
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 50)
    const port = (app.server.address() as AddressInfo).port
    const common = { port, secret: SECRET, flood: FLOOD, concurrency: CONCURRENCY, floodBytes: FLOOD_BYTES }
    const start = (role: string, count = 0) =>
      new Worker(CLIENT, { eval: true, workerData: { ...common, role, count, intervalMs: INTERVAL_MS } })
    // a client thread listening on its port stays alive: it is ended once it has answered
    const answer = <T>(worker: Worker): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        worker.once('message', resolve)
        worker.once('error', reject)
      }).finally(() => void worker.terminate())
    const alone = (await answer<{ samples: Sample[] }>(start('alone', BASELINE))).samples
    flooding = true
    const validWorker = start('beside')
    const besideDone = answer<{ samples: Sample[] }>(validWorker)
    const floodStatuses = (await answer<{ statuses: Record<string, number> }>(start('flood'))).statuses
    validWorker.postMessage('stop')
    const beside = (await besideDone).samples
    const result = { alone, beside, floodStatuses }
    clearInterval(sampler)
    delay.disable()
    const elu = performance.eventLoopUtilization(elu0).utilization
    const cpu = process.cpuUsage(cpu0)
    const wall = performance.now() - t0
    console.log(
      `server event loop: utilization ${Math.round(elu * 100)} %, delay p99 ${Math.round(delay.percentile(99) / 1e6)} ms, max ${Math.round(delay.max / 1e6)} ms; process CPU ${Math.round(((cpu.user + cpu.system) / 1000 / wall) * 100)} % of a core over ${Math.round(wall / 1000)} s`,
    )
    await app.close()
    const kept = (await store.refused.list({ limit: 10_000 })).length
    await store.close()

    const aloneMs = result.alone.filter((s) => s.status === 202).map((s) => s.ms)
    const besideMs = result.beside.map((s) => s.ms)
    const accepted = result.beside.filter((s) => s.status === 202).length
    const line = {
      bench: 'refusals',
      validSent: result.beside.length,
      validAccepted: accepted,
      p99Ms: p99(besideMs),
      p99MsWithoutFlood: p99(aloneMs),
      rssMb: Math.round(rssMax / 2 ** 20),
    }
    console.log(
      `server time per valid webhook: p99 ${p99(serverMs)} ms alone, ${p99(serverBeside)} ms beside the flood`,
    )
    console.log(`alone: ${aloneMs.length}/${result.alone.length} accepted, p99 ${line.p99MsWithoutFlood} ms`)
    console.log(
      `flood: ${FLOOD} x ${FLOOD_BYTES} B at concurrency ${CONCURRENCY}, answers ${JSON.stringify(result.floodStatuses)}, ${kept} kept`,
    )
    console.log(
      `beside the flood: ${accepted}/${line.validSent} accepted, p99 ${line.p99Ms} ms; RSS max ${line.rssMb} MB`,
    )
    const holds = accepted === line.validSent && line.p99Ms <= 3 * Math.max(line.p99MsWithoutFlood, 1)
    console.log(holds ? 'holds: every valid webhook accepted, p99 within 3x' : 'DOES NOT HOLD')
    console.log(JSON.stringify(line))
    if (!holds) process.exitCode = 1
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
