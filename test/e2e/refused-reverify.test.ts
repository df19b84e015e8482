import { createHmac } from 'node:crypto'
import { join } from 'node:path'
import t from 'tap'
import { until } from '../helpers/until.js'
import { request } from 'undici'
import { startService, type Service } from '../../src/service.js'
import {
  ADMIN_TOKEN,
  captureLogs,
  LOCATION_ID,
  SOURCE_TOKEN,
  tempDir,
  testConfig,
  testSandbox,
} from '../helpers/build.js'

const OLD_SECRET = 'calendly-old-signing-key-0001'
const NEW_SECRET = 'calendly-new-signing-key-0002'
const NEW_TOKEN = 'src-rotated-token-7e1f2a9c44'

function calendlySignature(secret: string, body: string, at = Date.now()): string {
  const ts = Math.floor(at / 1000)
  return `t=${ts},v1=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`
}

function config(storeUrl: string, baseUrl: string, calendlySecret: string[], formTokens: string[]) {
  return testConfig({
    storeUrl,
    baseUrl,
    sources: {
      calendly: { location: 'main', verify: { type: 'calendly', secret: calendlySecret } },
      forms: { location: 'main', verify: { type: 'token', token: formTokens } },
    },
    rules: [{ name: 'booked', source: 'calendly', contact: { email: 'payload.email' }, tags: ['booked'] }],
    extra: { admin: { token: ADMIN_TOKEN } },
  })
}

async function call(
  service: Service,
  method: 'GET' | 'POST',
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
) {
  const res = await request(`${service.url}${path}`, {
    method,
    headers: path.startsWith('/admin') ? { authorization: `Bearer ${ADMIN_TOKEN}` } : init.headers,
    ...(init.body !== undefined ? { body: init.body } : {}),
  })
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> }
}

t.test(
  'rotated secret: refused and kept, secret fixed, re-verified and delivered; a tampered request stays refused',
  async (t) => {
    const sandbox = await testSandbox(t)
    const contact = sandbox.seedContact({ locationId: LOCATION_ID, email: 'ada@example.com' })
    const storeUrl = `sqlite:${join(tempDir(t), 'refused.db')}`
    const logs = captureLogs()

    // The sender rotated its signing key and its token; tagrelay still has the old ones.
    const first = await startService({
      config: config(storeUrl, sandbox.url, [OLD_SECRET], [SOURCE_TOKEN]),
      logStream: logs.stream,
    })
    const body = JSON.stringify({ event: 'invitee.created', payload: { email: 'ada@example.com', name: 'Ada' } })
    const signed = await call(first, 'POST', '/hooks/calendly', {
      headers: {
        'content-type': 'application/json',
        'calendly-webhook-signature': calendlySignature(NEW_SECRET, body),
      },
      body,
    })
    t.equal(signed.status, 401)
    t.equal(signed.json.code, 'TAGRELAY_BAD_SIGNATURE')
    const tamperedBody = body.replace('Ada', 'Eve')
    const tampered = await call(first, 'POST', '/hooks/calendly', {
      headers: {
        'content-type': 'application/json',
        'calendly-webhook-signature': calendlySignature(NEW_SECRET, body),
      },
      body: tamperedBody,
    })
    t.equal(tampered.status, 401)
    const form = await call(first, 'POST', '/hooks/forms?src=newsletter', {
      headers: { 'content-type': 'application/json', 'x-tagrelay-token': NEW_TOKEN },
      body: JSON.stringify({ type: 'signup', email: 'ada@example.com' }),
    })
    t.equal(form.status, 401)
    t.equal(form.json.code, 'TAGRELAY_BAD_TOKEN')

    // kept for a second look, with whom it was about; the 401's id leads there
    await until(t, 'three kept refusals', async () => (await first.store.refused.list({ limit: 10 })).length === 3)
    const list = await call(first, 'GET', '/admin/refused?source=calendly')
    const items = list.json.items as Array<Record<string, unknown>>
    t.equal(items.length, 2)
    t.match(items[1], {
      source: 'calendly',
      code: 'TAGRELAY_BAD_SIGNATURE',
      contacts: ['ada@example.com'],
      status: 'refused',
    })
    const [tamperedId, signedId] = items.map((i) => i.id as string)
    const logged = logs.lines().find((l) => l.msg === 'request rejected' && l.code === 'TAGRELAY_BAD_SIGNATURE')
    t.equal(logged?.eventId, signedId, 'kept under the id the 401 was logged with')
    const missing = await call(first, 'GET', `/admin/events/${signedId}`)
    t.equal(missing.status, 404)
    t.match(missing.json.message, `/admin/refused/${signedId}`)
    const formId = ((await call(first, 'GET', '/admin/refused?source=forms')).json.items as Array<{ id: string }>)[0]!
      .id
    const keptForm = await first.store.refused.get(formId)
    t.match(keptForm?.headers['x-tagrelay-token'], /^sha256:[0-9a-f]{64}$/, 'the token is kept only as a hash')
    const detail = await call(first, 'GET', `/admin/refused/${formId}`)
    t.notOk(JSON.stringify(detail.json).includes('sha256:'), 'the admin API shows no credential hash either')
    t.equal(detail.json.body, JSON.stringify({ type: 'signup', email: 'ada@example.com' }))
    await first.close()
    t.notOk(logs.text().includes(NEW_TOKEN), 'the refused token never reaches the logs')

    // The operator fixes the secrets and restarts on the same store.
    const second = await startService({
      config: config(storeUrl, sandbox.url, [NEW_SECRET], [SOURCE_TOKEN, NEW_TOKEN]),
      logStream: captureLogs().stream,
    })
    t.teardown(() => second.close())
    const again = await call(second, 'POST', `/admin/refused/${signedId}/reverify`)
    t.equal(again.status, 200)
    t.match(again.json, { id: signedId, verified: true, eventId: signedId, duplicate: false, tags: ['booked'] })
    await until(t, 'the tag in HighLevel', () => sandbox.getContact(contact.id)?.tags.includes('booked') === true)
    const trail = await call(second, 'GET', `/admin/events/${signedId}`)
    t.equal(trail.status, 200, 'the event exists under the refused id')
    t.match(
      trail.json.verification,
      { verified: true, refusedFirst: { code: 'TAGRELAY_BAD_SIGNATURE' } },
      'the trail says it was refused first',
    )

    const still = await call(second, 'POST', `/admin/refused/${tamperedId}/reverify`)
    t.equal(still.status, 422)
    t.equal(still.json.code, 'TAGRELAY_STILL_REFUSED')
    t.match(still.json.message, 'TAGRELAY_BAD_SIGNATURE')
    t.match((await call(second, 'GET', `/admin/refused/${tamperedId}`)).json, {
      status: 'refused',
      reverifyCode: 'TAGRELAY_BAD_SIGNATURE',
    })
    t.equal((await call(second, 'GET', `/admin/events/${tamperedId}`)).status, 404, 'nothing stored for it')
    t.equal((await call(second, 'POST', `/admin/refused/${signedId}/reverify`)).status, 409, 'accepted once only')

    const token = await call(second, 'POST', `/admin/refused/${formId}/reverify`)
    t.match(
      token.json,
      { verified: true, tags: ['lead', 'signed up'] },
      'a hashed token re-verifies against the new token',
    )
    const metrics = await request(`${second.url}/metrics`).then((r) => r.body.text())
    t.match(metrics, /tagrelay_refused_reverified_total\{source="calendly",outcome="accepted"\} 1/)
    t.match(metrics, /tagrelay_refused_reverified_total\{source="calendly",outcome="refused"\} 1/)
  },
)
