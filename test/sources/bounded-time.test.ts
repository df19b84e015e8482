import t from 'tap'
import { createSourceRegistry, parseBody, sourceSchema, type InboundRequest } from '../../src/sources/index.js'
import { adversarialStrings, cpuMsConfirmed } from '../helpers/adversarial.js'
import { senders } from './senders.js'

/**
 * Property: no verifier and no body parser spends more than 50 ms of CPU on one request
 * (150 ms for a body near the 1 MB limit, read whole), whatever its headers and body hold. Header values go up to 16 KiB (Node's header size
 * limit), bodies near the 1 MB body limit. Signatures are made by each sender's own signer
 * where the scheme allows, so the code after a valid signature (timestamps read from the
 * body, parsing, the delivery id) is measured too.
 */
const LIMIT_MS = 50
/**
 * A body near the 1 MB limit is read whole (a digest, a JSON or form parse): linear, yet up
 * to ~85 ms of CPU on Node 26 (measured 2026-11-27 on the 2-core container; under 50 ms on
 * Node 20). Quadratic work on such a body takes seconds, so 150 ms still tells them apart.
 */
const BODY_LIMIT_MS = 150
const HEADER_SIZE = 16_000
const BODY_SIZE = 1_000_000 - 128
const BODY_LIMIT = 1024 * 1024
const NOW = 1_767_225_600_000

const registry = createSourceRegistry(
  {
    ...Object.fromEntries(
      Object.entries(senders).map(([name, s]) => [name, sourceSchema.parse({ location: 'main', verify: s.verify })]),
    ),
    'hmac-url': sourceSchema.parse({
      location: 'main',
      verify: { type: 'hmac', secret: 'url-secret-0001', header: 'x-sig', signedContent: '{method}{url}{body}' },
    }),
    open: sourceSchema.parse({ location: 'main', verify: { type: 'none' } }),
  },
  { now: () => NOW, bodyLimit: BODY_LIMIT },
)

function receive(source: string, headers: Record<string, string>, body: string | Buffer, url = '/hooks/x'): void {
  const req: InboundRequest = { source, method: 'POST', url, headers, query: {}, rawBody: Buffer.from(body) }
  try {
    registry.get(source).receive(req)
  } catch {
    // refusals are expected: only their cost matters here
  }
}

/** The framed body, its inner string shortened until the whole fits the body limit. */
function fit(frame: (s: string) => string, s: string): Buffer {
  let body = Buffer.from(frame(s))
  for (let inner = s; body.length > BODY_LIMIT; body = Buffer.from(frame(inner)))
    inner = inner.slice(0, Math.floor((inner.length * BODY_LIMIT) / body.length) - 16)
  return body
}

const show = (s: string) => JSON.stringify(s.length > 24 ? `${s.slice(0, 24)}…` : s) + ` (${s.length} chars)`

/** Every header a scheme reads: what each sender's signer sets, plus the generic ones. */
const signed = await Promise.all(Object.values(senders).map((s) => s.sign('{}', NOW / 1000)))
const READ_HEADERS = [...new Set(['content-type', 'host', 'x-sig', ...signed.flatMap((h) => Object.keys(h))])]

t.before(() => {
  for (const s of adversarialStrings(64))
    for (const name of registry.names()) receive(name, Object.fromEntries(READ_HEADERS.map((h) => [h, s])), s)
})

t.test('verifiers: adversarial header values (16 KiB) for every scheme', async (t) => {
  const slow: string[] = []
  for (const s of adversarialStrings(HEADER_SIZE)) {
    for (const name of registry.names()) {
      for (const h of READ_HEADERS) {
        // a valid-looking frame around the hostile value, so parsing goes past the first check
        const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_1', [h]: s }
        const ms = cpuMsConfirmed(() => receive(name, headers, '{}', `/hooks/${name}?q=${s}`), LIMIT_MS)
        if (ms > LIMIT_MS) slow.push(`${name}, ${h}: ${show(s)}: ${ms.toFixed(0)} ms`)
      }
    }
  }
  t.same(slow, [], `no request over ${LIMIT_MS} ms of CPU`)
})

t.test('verifiers: validly signed adversarial bodies near the body limit', async (t) => {
  const slow: string[] = []
  const ts = Math.floor(NOW / 1000)
  for (const s of adversarialStrings(BODY_SIZE, 25)) {
    for (const [name, sender] of Object.entries(senders)) {
      const frame = (v: string) => (name.startsWith('highlevel') ? `{"timestamp":${JSON.stringify(v)}}` : v)
      const body = fit(frame, s).toString()
      const headers = { 'content-type': 'application/json', ...(await sender.sign(body, ts)) }
      const ms = cpuMsConfirmed(() => receive(name, headers, body, sender.url), BODY_LIMIT_MS)
      if (ms > BODY_LIMIT_MS) slow.push(`${name}: ${show(s)}: ${ms.toFixed(0)} ms`)
    }
  }
  t.same(slow, [], `no request over ${BODY_LIMIT_MS} ms of CPU`)
})

t.test('parsers: every content type on adversarial bodies near the body limit', async (t) => {
  const slow: string[] = []
  // a field per 4 bytes: the most fields a 1 MB form can carry
  const manyFields = ['a=b&', 'a[]=1&', 'k=v&x=', '&&=&']
  const shapes = [...adversarialStrings(BODY_SIZE, 7), ...manyFields.map((f) => f.repeat(BODY_SIZE / f.length))]
  const framings: Array<[string, (s: string) => string]> = [
    ['application/json', (s) => s],
    ['application/json', (s) => JSON.stringify({ v: s, rawRequest: s })],
    ['text/plain; charset=iso-8859-1', (s) => JSON.stringify([s])],
    ['application/x-www-form-urlencoded', (s) => s],
    [
      'application/x-www-form-urlencoded',
      (s) => `v=${s}&rawRequest=${encodeURIComponent(`{"a":${JSON.stringify(s)}}`)}`,
    ],
    ['multipart/form-data; boundary=b', (s) => s],
    ['multipart/form-data; boundary=b', (s) => `--b\r\nContent-Disposition: form-data; name="v"\r\n\r\n${s}\r\n--b--`],
    ['multipart/form-data; boundary=--', (s) => `----\r\n${s}`],
  ]
  for (const s of shapes) {
    for (const [type, frame] of framings) {
      const body = fit(frame, s)
      const ms = cpuMsConfirmed(() => {
        try {
          parseBody(body, type)
        } catch {
          // refused: fine, as long as it is quick
        }
      }, BODY_LIMIT_MS)
      if (ms > BODY_LIMIT_MS) slow.push(`${type}, ${frame('…')}: ${show(s)}: ${ms.toFixed(0)} ms`)
    }
  }
  t.same(slow, [], `no parse over ${BODY_LIMIT_MS} ms of CPU`)
})
