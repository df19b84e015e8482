import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { setTracingEnabled } from '../src/telemetry/index.js'
import type { startService } from '../src/service.js'
import { payload, tagrelay } from './ingest.js'

/**
 * The cost of tracing on ingest, in one run: rounds of (b) tagrelay with tracing off,
 * (t) the same with tracing on (the SDK with a BatchSpanProcessor and the OTLP/HTTP
 * exporter, sending to a collector stand-in in a child process), and, with
 * BENCH_BEFORE=<a checkout of the code before tracing, node_modules beside it>, (p) that
 * code, so "off" is compared with "before" under the same load. Medians of each.
 */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3))

function collector(): Promise<{ url: string; child: ChildProcess }> {
  const code = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(200, {'content-type': 'application/json'}); s.end('{}') }) }).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (port: Buffer) => resolve({ url: `http://127.0.0.1:${port.toString().trim()}`, child }))
    child.once('error', reject)
  })
}

const median = (v: number[]): number => {
  const s = [...v].sort((x, y) => x - y)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export async function run(): Promise<void> {
  const body = payload()
  const dir = mkdtempSync(join(tmpdir(), 'tagrelay-bench-'))
  const sink = await collector()
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${sink.url}/v1/traces`
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
  ])
  const exporter = new OTLPTraceExporter()
  let exported = 0
  const counting = {
    export: (spans: Parameters<typeof exporter.export>[0], done: Parameters<typeof exporter.export>[1]) => {
      exported += spans.length
      exporter.export(spans, done)
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush(),
  }
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(counting)] })
  const beforeDir = process.env.BENCH_BEFORE
  const before = beforeDir
    ? ((await import(pathToFileURL(join(beforeDir, 'src/service.ts')).href)) as { startService: typeof startService })
    : undefined
  let registered = false
  const rows: Record<'p' | 'b' | 't', number[]> = { p: [], b: [], t: [] }
  const p99: Record<'p' | 'b' | 't', number[]> = { p: [], b: [], t: [] }
  console.log(`ingest tracing benchmark: ${ROUNDS} rounds of ${before ? '(p) before, ' : ''}(b) off, (t) on; medians`)
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const all: Array<['p' | 'b' | 't', string]> = [
        ...(before ? [['p', 'before tracing'] as ['p', string]] : []),
        ['b', 'tracing off'],
        ['t', 'tracing on (OTLP)'],
      ]
      // each round starts with a different one, so none always runs first (or last) on a drifting machine
      const runs = all.map((_, i) => all[(i + round - 1) % all.length]!)
      for (const [key, label] of runs) {
        if (key === 't') {
          if (!registered) provider.register()
          registered = true
          setTracingEnabled(true)
        }
        const start = key === 'p' ? before!.startService : undefined
        const r = await tagrelay(`sqlite:${join(dir, `${key}-${round}.db`)}`, body, {}, start)
        setTracingEnabled(false)
        rows[key].push(r.reqPerSec)
        p99[key].push(r.p99Ms)
        console.log(
          `  round ${round}: (${key}) ${label.padEnd(22)} ${r.reqPerSec.toFixed(0).padStart(7)} req/s  p99 ${r.p99Ms} ms  (${r.events} events, non-2xx ${r.non2xx})`,
        )
      }
    }
    await provider.forceFlush()
    const out: Record<string, number> = {}
    for (const k of ['p', 'b', 't'] as const) {
      if (rows[k].length === 0) continue
      out[`${k}ReqPerSec`] = Math.round(median(rows[k]))
      out[`${k}P99Ms`] = median(p99[k])
    }
    console.log(`  spans exported while on: ${exported}`)
    console.log(JSON.stringify({ bench: 'ingest-tracing', rounds: ROUNDS, ...out, spansExported: exported }))
  } finally {
    await provider.shutdown()
    sink.child.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}
