import t from 'tap'
import { build } from '../helpers/build.js'
import { senders } from '../sources/senders.js'

/**
 * A captured request from a sender that signs only the body, re-sent with a new delivery
 * id (or, for senders without one, as is): the signature still holds, so only a hash of
 * the body can tell it is the same event.
 */
const BODY_ONLY = ['github', 'shopify', 'typeform', 'tally', 'cal-com', 'meta']
const DELIVERY_HEADER: Record<string, string> = { github: 'x-github-delivery', shopify: 'x-shopify-webhook-id' }
const generic = (signedContent: string, extra: Record<string, unknown> = {}) => ({
  location: 'main',
  verify: { type: 'hmac', secret: 'generic-secret-0123456789', header: 'x-sig', signedContent, ...extra },
})
const sources = {
  ...Object.fromEntries(BODY_ONLY.map((n) => [n, { location: 'main', verify: senders[n]!.verify }])),
  'github-off': { location: 'main', verify: senders.github!.verify, dedupe: { bodyHash: false } },
  'token-on': {
    location: 'main',
    verify: { type: 'token', token: 'tok-0123456789abcdef' },
    dedupe: { bodyHash: true },
  },
  hmac: generic('{body}'),
  'hmac-url': generic('{method}{url}{body}'),
}
const rules = Object.keys(sources).map((source) => ({
  name: `r-${source}`,
  source,
  contact: { email: 'email' },
  tags: ['t'],
}))
const body = JSON.stringify({ email: 'ada@example.com', note: 'the same body' })

async function send(app: Awaited<ReturnType<typeof build>>['app'], source: string, delivery: string) {
  const sender = senders[source.replace(/-off$/, '')]
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (sender) Object.assign(headers, await sender.sign(body, Math.floor(Date.now() / 1000)))
  if (source === 'token-on') headers['x-tagrelay-token'] = 'tok-0123456789abcdef'
  if (source.startsWith('hmac')) {
    const { createHmac } = await import('node:crypto')
    const signed = source === 'hmac' ? body : `POSThttps://localhost:80/hooks/${source}${body}`
    headers['x-sig'] = createHmac('sha256', 'generic-secret-0123456789').update(signed).digest('hex')
  }
  const header = DELIVERY_HEADER[source.replace(/-off$/, '')]
  if (header) headers[header] = delivery
  return app.inject({ method: 'POST', url: `/hooks/${source}`, headers, payload: body })
}

t.test('body-only senders: the same body with a new delivery id is a duplicate, nothing stored', async (t) => {
  const { app, store } = await build(t, { sources, rules })
  for (const source of [...BODY_ONLY, 'hmac', 'token-on']) {
    const before = await store.housekeeping.countEvents()
    const first = await send(app, source, 'delivery-1')
    t.equal(first.statusCode, 202, `${source}: first`)
    const again = await send(app, source, 'delivery-2')
    t.equal(again.statusCode, 200, `${source}: the replay`)
    t.same(again.json(), { id: first.json().id, tags: ['t'], rules: [`r-${source}`], duplicate: true })
    t.equal(await store.housekeeping.countEvents(), before + 1, `${source}: one event stored`)
  }
})

t.test('bodyHash: false turns it off; schemes that sign more than the body do not hash it', async (t) => {
  const { app, store } = await build(t, { sources, rules })
  t.equal((await send(app, 'github-off', 'delivery-1')).statusCode, 202)
  t.equal((await send(app, 'github-off', 'delivery-2')).statusCode, 202, 'a new delivery id is a new event')
  t.equal((await send(app, 'github-off', 'delivery-2')).statusCode, 200, 'the delivery id still dedupes')
  t.equal(await store.housekeeping.countEvents(), 2)
  t.equal((await send(app, 'hmac-url', '')).statusCode, 202)
  t.equal((await send(app, 'hmac-url', '')).statusCode, 202, 'hmac over {method}{url}{body}: no body hash by default')
})
