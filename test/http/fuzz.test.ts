import fc from 'fast-check'
import t from 'tap'
import { build } from '../helpers/build.js'
import { senders } from '../sources/senders.js'

/**
 * Property: whatever arrives (random bodies, headers, content types, lengths, sources),
 * the answer is a 4xx with the stable error shape, the app stays up, and nothing is
 * stored. Every source here verifies, so random input can never be a valid event.
 */
const sources = Object.fromEntries(
  [
    'stripe',
    'standard-webhooks',
    'github',
    'typeform',
    'shopify',
    'webflow',
    'hubspot-v3',
    'highlevel',
    'hmac',
    'calendly',
  ].map((n) => [
    n.replace(/[^a-z0-9]/g, ''),
    {
      location: 'main',
      verify: senders[n]!.verify,
      bodyLimit: '4kb',
      handshake: { type: 'meta', verifyToken: 'fuzz-verify-token' },
    },
  ]),
)
const headerNames = [
  'content-type',
  'stripe-signature',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'x-hub-signature-256',
  'typeform-signature',
  'x-shopify-hmac-sha256',
  'x-webflow-signature',
  'x-webflow-timestamp',
  'x-hubspot-signature-v3',
  'x-hubspot-request-timestamp',
  'x-ghl-signature',
  'x-wh-signature',
  'x-signature',
  'x-timestamp',
  'calendly-webhook-signature',
  'x-tagrelay-token',
  'content-encoding',
]
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 120,
})
const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=b',
    'application/json; charset=latin1',
    'application/json; charset=x',
    'multipart/form-data',
    '*/*',
    '',
  ),
  printable,
)
const body = fc.oneof(
  printable,
  fc.uint8Array({ maxLength: 6000 }).map((b) => Buffer.from(b)),
  fc.json({ maxDepth: 6 }),
  fc.integer({ min: 1, max: 200 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.array(fc.tuple(printable, printable), { maxLength: 20 }).map((kv) => kv.map(([k, v]) => `${k}=${v}`).join('&')),
  printable.map((p) => `--b\r\nContent-Disposition: form-data; name="${p}"\r\n\r\n${p}\r\n--b--`),
  fc.constant('{"__proto__":{"x":1},"constructor":{"prototype":{"y":1}}}'),
)
const headerValue = fc.oneof(
  printable,
  fc.array(printable, { minLength: 2, maxLength: 3 }),
  fc.constantFrom('sha256=', 't=1,v1=', 'v1,', '0'.repeat(64)),
)
const request = fc.record({
  source: fc.oneof(fc.constantFrom(...Object.keys(sources)), printable),
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT'),
  query: fc.option(printable, { nil: undefined }),
  contentType,
  headers: fc.dictionary(fc.constantFrom(...headerNames), headerValue, { maxKeys: 6 }),
  body,
})

t.test('1,000 random malformed requests: never a 5xx, never a crash, never a stored row', async (t) => {
  const { app, store } = await build(t, { sources })
  let n = 0
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      n++
      const payload = typeof r.body === 'string' || Buffer.isBuffer(r.body) ? r.body : JSON.stringify(r.body)
      const res = await app.inject({
        method: r.method as 'POST',
        url: `/hooks/${encodeURIComponent(r.source)}${r.query === undefined ? '' : `?${encodeURI(r.query)}`}`,
        headers: { ...r.headers, 'content-type': r.contentType },
        payload: r.method === 'GET' ? undefined : payload,
      })
      if (res.statusCode >= 500) throw new Error(`${res.statusCode} ${res.body}`)
      if (res.statusCode === 200 && r.method === 'GET') return // a handshake can only succeed with the token
      if (res.statusCode < 400) throw new Error(`accepted: ${res.statusCode} ${res.body}`)
      const answer = res.json() as Record<string, unknown>
      if (
        typeof answer.code !== 'string' ||
        answer.statusCode !== res.statusCode ||
        typeof answer.message !== 'string'
      ) {
        throw new Error(`bad error shape: ${res.body}`)
      }
    }),
    { numRuns: 1000, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
  )
  t.equal(n, 1000, 'ran 1,000 requests')
  t.equal(await store.housekeeping.countEvents(), 0, 'no event stored')
  t.equal(await store.housekeeping.countJobs(), 0, 'no job stored')
  const health = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(health.statusCode, 200, 'the app is still up')
})
