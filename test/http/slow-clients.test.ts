import { connect, type Socket } from 'node:net'
import { request } from 'undici'
import t from 'tap'
import { build } from '../helpers/build.js'

/**
 * Slow clients against a real listening server: slow-header clients (a header line every
 * 100 ms, never the blank line), slow-body clients (full headers, then a byte every
 * 100 ms) and idle ones (connect, send nothing). Each is cut at its limit, give or take
 * the check interval, while a normal client keeps getting answers.
 */
const HEADERS_MS = 600
const REQUEST_MS = 1_500
const SLACK_MS = 1_000

interface Slow {
  kind: 'header' | 'body' | 'idle'
  socket: Socket
  closedAfter?: number
  /** performance.now() at the close */
  closedAt?: number
  answer: string
}

function slowClient(port: number, kind: Slow['kind']): Slow {
  const started = performance.now()
  const socket = connect(port, '127.0.0.1')
  const slow: Slow = { kind, socket, answer: '' }
  socket.on('data', (d) => (slow.answer += d.toString('latin1')))
  socket.on('error', () => {})
  socket.on('close', () => {
    slow.closedAt = performance.now()
    slow.closedAfter = slow.closedAt - started
    clearInterval(timer)
  })
  let n = 0
  if (kind === 'header') socket.write('POST /hooks/open HTTP/1.1\r\nHost: x\r\n')
  if (kind === 'body')
    socket.write(
      'POST /hooks/open HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"a":"',
    )
  const timer = setInterval(() => {
    if (socket.destroyed) return
    if (kind === 'header') socket.write(`x-slow-${n++}: 1\r\n`)
    if (kind === 'body') socket.write('a')
  }, 100)
  return slow
}

t.test('slow-header, slow-body and idle clients are cut on time; a normal client is served meanwhile', async (t) => {
  const { app } = await build(t, { server: { requestTimeoutMs: REQUEST_MS, headersTimeoutMs: HEADERS_MS } })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  const port = Number(new URL(url).port)
  const slow = [
    ...Array.from({ length: 40 }, () => slowClient(port, 'header')),
    ...Array.from({ length: 20 }, () => slowClient(port, 'body')),
    ...Array.from({ length: 10 }, () => slowClient(port, 'idle')),
  ]
  t.teardown(() => slow.forEach((s) => s.socket.destroy()))

  /** each answer to the normal client: how long it took, and when it came */
  const served: Array<{ ms: number; at: number }> = []
  const deadline = performance.now() + REQUEST_MS + SLACK_MS + 500
  while (performance.now() < deadline && slow.some((s) => s.closedAfter === undefined)) {
    const start = performance.now()
    const res = await request(`${url}/hooks/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com' }),
    })
    await res.body.text()
    t.equal(res.statusCode, 202, 'the normal client is served')
    served.push({ ms: performance.now() - start, at: performance.now() })
    await new Promise((r) => setTimeout(r, 50))
  }
  t.ok(served.length >= 10, `the normal client was answered ${served.length} times while the slow ones waited`)
  // Served meanwhile, not after: answers that came before the first slow client was cut.
  // A server the slow clients held up would answer none before then (a quiet machine gives
  // about ten); how long each took is only reported, as a loaded machine stretches it (a
  // run beside a benchmark took 510 ms for one).
  const firstCut = Math.min(...slow.map((s) => s.closedAt ?? Infinity))
  const beforeCut = served.filter((a) => a.at < firstCut).length
  t.ok(
    beforeCut >= 1,
    `${beforeCut} answers came before the first slow client was cut (slowest ${Math.max(...served.map((a) => a.ms)).toFixed(0)} ms)`,
  )

  for (const kind of ['header', 'idle', 'body'] as const) {
    const group = slow.filter((s) => s.kind === kind)
    const limit = kind === 'body' ? REQUEST_MS : HEADERS_MS
    const times = group.map((s) => s.closedAfter ?? Infinity)
    t.ok(
      times.every((ms) => ms >= limit - 50 && ms <= limit + SLACK_MS),
      `${kind}: all ${group.length} cut between ${limit} and ${limit + SLACK_MS} ms (${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} ms)`,
    )
    if (kind !== 'idle')
      t.ok(
        group.every((s) => s.answer.startsWith('HTTP/1.1 408')),
        `${kind}: answered 408 Request Timeout before the close`,
      )
  }
})

t.test('headersTimeoutMs longer than requestTimeoutMs is capped by it', async (t) => {
  const { serverTimeouts } = await import('../../src/http/timeouts.js')
  t.same(serverTimeouts({ requestTimeoutMs: 3_000, headersTimeoutMs: 5_000 }), {
    requestTimeout: 3_000,
    headersTimeout: 3_000,
    connectionsCheckingInterval: 750,
  })
  t.same(serverTimeouts({ requestTimeoutMs: 10_000, headersTimeoutMs: 5_000 }).connectionsCheckingInterval, 1_000)
})
