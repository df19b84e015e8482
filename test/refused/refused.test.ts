import { createHmac } from 'node:crypto'
import t from 'tap'
import { contactIdentifiers, KEPT_CODES, refusedContacts } from '../../src/refused/index.js'
import { createSourceRegistry, keptForm, type InboundRequest } from '../../src/sources/index.js'
import { cpuMsConfirmed } from '../helpers/adversarial.js'

const SECRET = 'calendly-signing-key-for-tests'
const T = 1_800_000_000_000

function signedRequest(body: string, at: number): InboundRequest {
  const ts = Math.floor(at / 1000)
  const v1 = createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')
  return {
    source: 'calendly',
    method: 'POST',
    url: '/hooks/calendly',
    headers: { 'content-type': 'application/json', 'calendly-webhook-signature': `t=${ts},v1=${v1}` },
    query: {},
    rawBody: Buffer.from(body),
  }
}

t.test('receiveAgain judges the signed timestamp at the original receipt time, not now', async (t) => {
  const sources = createSourceRegistry(
    { calendly: { location: 'main', verify: { type: 'calendly', secret: [SECRET], toleranceSeconds: 300 } } },
    { now: () => T + 86_400_000 },
  )
  const source = sources.get('calendly')
  const req = signedRequest('{"a":1}', T)
  t.throws(() => source.receive(req), { code: 'TAGRELAY_STALE_TIMESTAMP' }, 'a day later, live: stale')
  t.same(source.receiveAgain(req, T + 1000).body, { a: 1 }, 'judged at its receipt: fresh')
  t.throws(() => source.receiveAgain(req, T + 3_600_000), { code: 'TAGRELAY_STALE_TIMESTAMP' }, 'stale already then')
})

t.test('a kept token is a digest; only a kept request may present one', async (t) => {
  const sources = createSourceRegistry({
    forms: {
      location: 'main',
      verify: { type: 'token', token: ['tok-aaaaaaaaaaaa'], query: 'key', header: 'x-tagrelay-token' },
    },
  })
  const source = sources.get('forms')
  const req: InboundRequest = {
    source: 'forms',
    method: 'POST',
    url: '/hooks/forms?key=tok-aaaaaaaaaaaa&x=1',
    headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz', 'x-other': 'plain' },
    query: { key: 'tok-aaaaaaaaaaaa', x: '1' },
    rawBody: Buffer.from('{}'),
  }
  const kept = keptForm(source, req)
  t.notOk(JSON.stringify(kept).includes('tok-aaaaaaaaaaaa'), 'the token is nowhere')
  t.notOk(JSON.stringify(kept).includes('dXNlcjpwYXNz'), 'basic auth is nowhere')
  t.equal(kept.headers['x-other'], 'plain')
  t.match(kept.url, /^\/hooks\/forms\?key=sha256%3A[0-9a-f]{64}&x=1$/)
  const back = { ...req, url: kept.url, headers: kept.headers, query: kept.query }
  t.same(source.receiveAgain(back, Date.now()).body, {}, 'the digest re-verifies')
  t.throws(
    () => source.receive(back),
    { code: 'TAGRELAY_BAD_TOKEN' },
    'a live request cannot pass a digest as the token',
  )
})

t.test('signature headers are kept as sent (the signature covers only this body)', async (t) => {
  const sources = createSourceRegistry({
    calendly: { location: 'main', verify: { type: 'calendly', secret: [SECRET], toleranceSeconds: 300 } },
  })
  const req = signedRequest('{}', T)
  t.equal(
    keptForm(sources.get('calendly'), req).headers['calendly-webhook-signature'],
    req.headers['calendly-webhook-signature'],
  )
})

t.test('only refusals about the sender are kept', async (t) => {
  t.ok(KEPT_CODES.has('TAGRELAY_BAD_SIGNATURE') && KEPT_CODES.has('TAGRELAY_BAD_TOKEN'))
  for (const code of ['TAGRELAY_BAD_BODY', 'TAGRELAY_BODY_TOO_LARGE', 'TAGRELAY_RATE_LIMITED'])
    t.notOk(KEPT_CODES.has(code), code)
})

t.test('contact identifiers: emails anywhere, phones under phone-like keys, bounded', async (t) => {
  const body = JSON.stringify({
    payload: { email: 'Ada@Example.com', questions: [{ phone_number: '+1 (415) 555-0100' }], note: '12345678' },
  })
  t.same(contactIdentifiers(Buffer.from(body), 'application/json').sort(), ['+14155550100', 'ada@example.com'])
  t.same(contactIdentifiers(Buffer.from('email=bo%40example.org'), 'application/x-www-form-urlencoded'), [
    'bo@example.org',
  ])
  t.same(contactIdentifiers(Buffer.from('{not json'), 'application/json'), [], 'unparsable: none')
  const many = JSON.stringify(Array.from({ length: 9_000 }, (_, i) => ({ n: i, email: `p${i}@example.com` })))
  let found: string[] = []
  const ms = cpuMsConfirmed(() => (found = contactIdentifiers(Buffer.from(many), 'application/json')), 2000)
  t.equal(found.length, 10, 'at most 10')
  t.ok(ms < 2000, `bounded time (${ms.toFixed(0)} CPU ms)`)
})

t.test('contacts of a kept body are guessed from its first 16 kB only, parsed when that is all of it', async (t) => {
  const small = Buffer.from(JSON.stringify({ email: 'Ada@Example.com', phone: '+1 415 555 0100' }))
  t.same(refusedContacts({ body: small, complete: true, contentType: 'application/json' }).sort(), [
    '+14155550100',
    'ada@example.com',
  ])
  // a megabyte whose JSON is cut at 16 kB: scanned as text for emails, nothing else
  const big = Buffer.from(
    JSON.stringify({ email: 'bo@example.org', pad: 'x'.repeat(1_000_000), late: 'cy@example.net' }),
  )
  const head = big.subarray(0, 16_384)
  t.same(refusedContacts({ body: head, complete: false, contentType: 'application/json' }), ['bo@example.org'])
  t.same(refusedContacts({ body: Buffer.from('email=di%40example.com&x=1'), complete: false, contentType: null }), [
    'di@example.com',
  ])
})
