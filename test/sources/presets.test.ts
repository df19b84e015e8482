import t from 'tap'
import { createSourceRegistry, type InboundRequest } from '../../src/sources/index.js'
import { sourceSchema } from '../../src/sources/schema.js'
import type { TagrelayError } from '../../src/errors.js'
import { payloadFor, senders, type Sender } from './senders.js'

const NOW = 1_790_000_000_000
const NOW_S = NOW / 1000

function registryFor(sender: Sender) {
  const config = sourceSchema.parse({ location: 'main', verify: sender.verify })
  return createSourceRegistry({ s: config }, { now: () => NOW })
}

function rejection(
  sender: Sender,
  headers: Record<string, string | string[]>,
  body: string,
): TagrelayError | undefined {
  const req: InboundRequest = {
    source: 's',
    method: 'POST',
    url: sender.url ?? '/hooks/s',
    headers: { host: 'tags.example.com', ...headers },
    query: {},
    rawBody: Buffer.from(body),
  }
  try {
    registryFor(sender).get('s').verify(req)
    return undefined
  } catch (err) {
    return err as TagrelayError
  }
}

for (const [name, sender] of Object.entries(senders)) {
  t.test(`${name}: accepts what the sender signs, rejects every forgery`, async (t) => {
    const body = payloadFor(name, NOW_S)
    const ok = await sender.sign(body, NOW_S)
    t.equal(rejection(sender, ok, body), undefined, 'signed with the first secret')
    t.equal(rejection(sender, await sender.sign(body, NOW_S, 1), body), undefined, 'signed with the rotated-in secret')

    const expect = (what: string, err: TagrelayError | undefined, code: string, status = 401) => {
      t.equal(err?.code, code, what)
      t.equal(err?.statusCode, status, `${what}: status`)
    }
    const tampered = body.replace('ada@', 'eve@')
    expect('tampered body', rejection(sender, ok, tampered), 'TAGRELAY_BAD_SIGNATURE')
    expect('one byte appended', rejection(sender, ok, body + ' '), 'TAGRELAY_BAD_SIGNATURE')
    expect('wrong secret', rejection(sender, await sender.sign(body, NOW_S, 'wrong'), body), 'TAGRELAY_BAD_SIGNATURE')
    const missing = { ...ok }
    delete missing[sender.signatureHeader]
    expect('missing signature header', rejection(sender, missing, body), 'TAGRELAY_MISSING_SIGNATURE')
    expect(
      'empty signature header',
      rejection(sender, { ...ok, [sender.signatureHeader]: '' }, body),
      'TAGRELAY_MISSING_SIGNATURE',
    )
    const sig = ok[sender.signatureHeader]!
    expect(
      'duplicated header, good copy first',
      rejection(sender, { ...ok, [sender.signatureHeader]: [sig, 'sha256=00'] }, body),
      'TAGRELAY_DUPLICATE_HEADER',
      400,
    )
    expect(
      'duplicated header, good copy second',
      rejection(sender, { ...ok, [sender.signatureHeader]: ['sha256=00', sig] }, body),
      'TAGRELAY_DUPLICATE_HEADER',
      400,
    )
    expect(
      'garbage signature',
      rejection(sender, { ...ok, [sender.signatureHeader]: 'not a signature at all!' }, body),
      'TAGRELAY_BAD_SIGNATURE',
    )
    expect(
      'signature truncated',
      rejection(sender, { ...ok, [sender.signatureHeader]: sig.slice(0, -4) }, body),
      'TAGRELAY_BAD_SIGNATURE',
    )

    if (sender.timestamped) {
      const stale = NOW_S - 6 * 60
      const staleBody = payloadFor(name, stale)
      expect(
        'stale timestamp (6 min old)',
        rejection(sender, await sender.sign(staleBody, stale), staleBody),
        'TAGRELAY_STALE_TIMESTAMP',
      )
      const future = NOW_S + 6 * 60
      const futureBody = payloadFor(name, future)
      expect(
        'future timestamp (6 min ahead)',
        rejection(sender, await sender.sign(futureBody, future), futureBody),
        'TAGRELAY_STALE_TIMESTAMP',
      )
      const edge = NOW_S - 4 * 60
      const edgeBody = payloadFor(name, edge)
      t.equal(
        rejection(sender, await sender.sign(edgeBody, edge), edgeBody),
        undefined,
        '4 min old is inside the tolerance',
      )
    }
  })
}

t.test('stripe: several v1 signatures (secret rotation) and merged headers', async (t) => {
  const s = senders.stripe!
  const body = payloadFor('stripe', NOW_S)
  const good = (await s.sign(body, NOW_S))['stripe-signature']!
  const v1 = good.split(',')[1]!
  t.equal(
    rejection(s, { 'stripe-signature': `t=${NOW_S},v1=${'0'.repeat(64)},${v1}` }, body),
    undefined,
    'any v1 may match',
  )
  t.equal(
    rejection(s, { 'stripe-signature': `${good}, t=${NOW_S - 1},v1=${'0'.repeat(64)}` }, body)?.code,
    'TAGRELAY_DUPLICATE_HEADER',
    'two t= (two headers joined) refused',
  )
  t.equal(rejection(s, { 'stripe-signature': `t=${NOW_S}` }, body)?.code, 'TAGRELAY_BAD_SIGNATURE', 'no v1')
  t.equal(rejection(s, { 'stripe-signature': v1 }, body)?.code, 'TAGRELAY_BAD_SIGNATURE', 'no t')
  t.equal(
    rejection(s, { 'stripe-signature': `t=${NOW_S + 1},${v1}` }, body)?.code,
    'TAGRELAY_BAD_SIGNATURE',
    'the timestamp is signed',
  )
})

t.test('standard-webhooks: several signatures, id and timestamp are signed', async (t) => {
  const s = senders['standard-webhooks']!
  const body = payloadFor('x', NOW_S)
  const h = await s.sign(body, NOW_S)
  t.equal(
    rejection(
      s,
      { ...h, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} v1a,xyz ${h['webhook-signature']}` },
      body,
    ),
    undefined,
    'a space-separated list',
  )
  t.equal(rejection(s, { ...h, 'webhook-id': 'msg_other' }, body)?.code, 'TAGRELAY_BAD_SIGNATURE', 'another id')
  t.equal(
    rejection(s, { ...h, 'webhook-timestamp': String(NOW_S + 1) }, body)?.code,
    'TAGRELAY_BAD_SIGNATURE',
    'another timestamp',
  )
  t.equal(
    rejection(s, { ...h, 'webhook-timestamp': 'soon' }, body)?.code,
    'TAGRELAY_BAD_SIGNATURE',
    'a timestamp that is not a number',
  )
  const noId = { ...h }
  delete noId['webhook-id']
  t.equal(rejection(s, noId, body)?.code, 'TAGRELAY_MISSING_SIGNATURE')
  t.throws(
    () => sourceSchema.parse({ location: 'm', verify: { type: 'standard-webhooks', secret: 'whsec_!!' } }),
    'a bad whsec_ key fails at config load',
  )
})

t.test('hubspot-v3: the URL and method are signed', async (t) => {
  const s = senders['hubspot-v3']!
  const body = payloadFor('x', NOW_S)
  const h = await s.sign(body, NOW_S)
  const other = { ...s, url: '/hooks/hubspot?portal=1' }
  t.equal(rejection(other, h, body)?.code, 'TAGRELAY_BAD_SIGNATURE', 'another query string')
  const fallback = { ...s, verify: { type: 'hubspot-v3', secret: (s.verify.secret as string[])[0] } }
  t.equal(rejection(fallback, h, body), undefined, 'without publicUrl, https://<Host> is used')
})

t.test('highlevel: body timestamp is required, legacy can be turned off, keys are checked at load', async (t) => {
  const s = senders.highlevel!
  const body = JSON.stringify({ webhookId: 'x', email: 'a@b.c' })
  t.equal(
    rejection(s, await s.sign(body, NOW_S), body)?.code,
    'TAGRELAY_BAD_SIGNATURE',
    'a signed body without timestamp',
  )
  const legacy = senders['highlevel-legacy']!
  const lb = payloadFor('highlevel', NOW_S)
  const noLegacy = { ...legacy, verify: { ...legacy.verify, legacy: false } }
  t.equal(
    rejection(noLegacy, await legacy.sign(lb, NOW_S), lb)?.code,
    'TAGRELAY_MISSING_SIGNATURE',
    'legacy off: x-wh-signature alone is not enough',
  )
  t.throws(
    () => sourceSchema.parse({ location: 'm', verify: { type: 'highlevel', publicKey: 'bm90IGEga2V5' } }),
    'not a key',
  )
  const def = sourceSchema.parse({ location: 'm', verify: { type: 'highlevel' } })
  t.equal(def.verify.type, 'highlevel', 'the published keys are valid defaults')
})

t.test('generic hmac: a timestamp template needs a timestamp header', async (t) => {
  t.throws(() =>
    sourceSchema.parse({
      location: 'm',
      verify: { type: 'hmac', secret: 'x', header: 'x-sig', signedContent: '{timestamp}{body}' },
    }),
  )
  const sha1 = sourceSchema.parse({
    location: 'm',
    verify: { type: 'hmac', secret: 's1', header: 'X-Sig', algorithm: 'sha1' },
  })
  const reg = createSourceRegistry({ s: sha1 })
  const { createHmac } = await import('node:crypto')
  const sig = createHmac('sha1', 's1').update('{}').digest('hex')
  t.doesNotThrow(
    () =>
      reg
        .get('s')
        .verify({ source: 's', headers: { 'x-sig': sig.toUpperCase() }, query: {}, rawBody: Buffer.from('{}') }),
    'hex is case-insensitive',
  )
})
