import { request as httpRequest } from 'node:http'
import t from 'tap'
import { fetch } from 'undici'
import { build, SOURCE_TOKEN } from '../helpers/build.js'
import { senders } from '../sources/senders.js'
import { rules, sources, stripeSecret } from './inbound-fixture.js'

const stripeEvent = JSON.stringify({
  id: 'evt_1',
  type: 'checkout.session.completed',
  data: { object: { customer_email: 'ada@example.com' } },
})
const stripeHeaders = async (body: string, ts = Math.floor(Date.now() / 1000)): Promise<Record<string, string>> => ({
  'content-type': 'application/json',
  ...(await senders.stripe!.sign(body, ts)),
})

t.test('a Stripe event signed by Stripe’s library is accepted and stored; a tampered one is refused', async (t) => {
  const { app, store, logs, rejections } = await build(t, { sources, rules })
  const res = await app.inject({
    method: 'POST',
    url: '/hooks/pay',
    headers: await stripeHeaders(stripeEvent),
    payload: stripeEvent,
  })
  t.equal(res.statusCode, 202)
  t.same(res.json().tags, ['customer'])
  t.equal(
    (await store.trail.getEvent(res.json().id))?.headers['stripe-signature'],
    '[redacted]',
    'the signature is not stored',
  )

  const headers = await stripeHeaders(stripeEvent)
  const bad = await app.inject({
    method: 'POST',
    url: '/hooks/pay',
    headers,
    payload: stripeEvent.replace('ada@', 'eve@'),
  })
  t.equal(bad.statusCode, 401)
  t.same(bad.json(), {
    statusCode: 401,
    code: 'TAGRELAY_BAD_SIGNATURE',
    message: 'the signature sent for source "pay" does not verify',
  })
  t.equal(await store.housekeeping.countEvents(), 1, 'the forgery is not stored')
  t.equal(rejections.get('pay', 'TAGRELAY_BAD_SIGNATURE'), 1, 'counted by source and code')
  const line = logs.lines().find((l) => l.msg === 'request rejected')
  t.match(line, { source: 'pay', code: 'TAGRELAY_BAD_SIGNATURE', detail: 'digest mismatch' })
  const v1 = headers['stripe-signature']!.split('v1=')[1]!
  t.notOk(logs.text().includes(v1), 'the signature is never logged')
  t.notOk(logs.text().includes(stripeSecret), 'the secret is never logged')
})

t.test('a Stripe event signed too long ago is refused as stale', async (t) => {
  const { app, store } = await build(t, { sources, rules })
  const res = await app.inject({
    method: 'POST',
    url: '/hooks/pay',
    headers: await stripeHeaders(stripeEvent, Math.floor(Date.now() / 1000) - 600),
    payload: stripeEvent,
  })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'TAGRELAY_STALE_TIMESTAMP')
  t.equal(await store.housekeeping.countEvents(), 0)
})

t.test('a repeated delivery answers 200 with the first result and stores nothing', async (t) => {
  const { app, store } = await build(t, { sources, rules })
  const first = await app.inject({
    method: 'POST',
    url: '/hooks/pay',
    headers: await stripeHeaders(stripeEvent),
    payload: stripeEvent,
  })
  t.equal(first.statusCode, 202)
  const again = await app.inject({
    method: 'POST',
    url: '/hooks/pay',
    headers: await stripeHeaders(stripeEvent),
    payload: stripeEvent,
  })
  t.equal(again.statusCode, 200)
  t.same(again.json(), { id: first.json().id, tags: ['customer'], rules: ['paid'], duplicate: true })
  t.equal(await store.housekeeping.countEvents(), 1)
  t.equal(await store.housekeeping.countJobs(), 1)
  const other = stripeEvent.replace('evt_1', 'evt_2')
  t.equal(
    (await app.inject({ method: 'POST', url: '/hooks/pay', headers: await stripeHeaders(other), payload: other }))
      .statusCode,
    202,
    'another event id is new',
  )
})

t.test('simultaneous copies over a real port store one event', async (t) => {
  const { app, store } = await build(t, { sources, rules })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  const send = () =>
    fetch(`${url}/hooks/dd`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN, 'x-delivery-id': 'dlv-42' },
      body: JSON.stringify({ email: 'ada@example.com' }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string; duplicate?: boolean } }))
  const answers = await Promise.all(Array.from({ length: 20 }, send))
  const created = answers.filter((a) => a.status === 202)
  t.equal(created.length, 1, 'one 202')
  t.ok(
    answers.every(
      (a) => a.status === 202 || (a.status === 200 && a.body.duplicate === true && a.body.id === created[0]!.body.id),
    ),
    'the rest are 200 with the first id',
  )
  t.equal(await store.housekeeping.countEvents(), 1)
  t.equal(await store.housekeeping.countJobs(), 1)
})

t.test('a duplicated signature header over a real port is refused, not picked from', async (t) => {
  const { app, store } = await build(t, { sources, rules })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  const body = '{"action":"opened"}'
  const good = (await senders.github!.sign(body, 0))['x-hub-signature-256']!
  const status = await new Promise<{ code: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/hooks/gh',
        headers: [
          'host',
          `127.0.0.1:${port}`,
          'content-type',
          'application/json',
          'x-hub-signature-256',
          good,
          'x-hub-signature-256',
          'sha256=00',
        ] as unknown as Record<string, string>,
      },
      (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString()))
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body: text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
  t.equal(status.code, 400, status.body)
  t.equal(JSON.parse(status.body).code, 'TAGRELAY_DUPLICATE_HEADER')
  t.equal(await store.housekeeping.countEvents(), 0)
})
