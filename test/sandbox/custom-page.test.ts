import CryptoJS from 'crypto-js'
import t from 'tap'
import { request } from 'undici'
import { startSandbox } from '../../src/sandbox/index.js'

const SECRET = 'sandbox-shared-secret-7d41'
const TARGET = 'http://127.0.0.1:8080/console/highlevel'

// the payload as the page hands it over, decrypted with CryptoJS (apart from tagrelay's decryption)
const decrypt = (payload: string): unknown =>
  JSON.parse(CryptoJS.AES.decrypt(payload, SECRET).toString(CryptoJS.enc.Utf8)) as unknown
const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')

t.test('GET /custom-page frames the target and carries a user context encrypted with the shared secret', async (t) => {
  const sandbox = await startSandbox({ tokens: {}, sharedSecret: SECRET })
  t.teardown(() => sandbox.close())
  const [loc] = sandbox.addCompanyLocations('agencySandbox000001', 1)
  const page = async (query: string) => {
    const res = await request(`${sandbox.url}/custom-page?${query}`)
    const body = await res.body.text()
    const payload = /data-payload="([^"]*)"/.exec(body)?.[1]
    return { res, body, payload: payload === undefined ? undefined : unescape(payload) }
  }
  const target = encodeURIComponent(TARGET)
  const user = await page(`user=location-user&location=${loc}&target=${target}`)
  t.equal(user.res.statusCode, 200)
  t.equal(
    user.res.headers['content-security-policy'],
    "default-src 'none'; script-src 'self'; frame-src http://127.0.0.1:8080; base-uri 'none'; frame-ancestors 'none'",
    'it may frame the target only, and runs only its own script',
  )
  t.match(user.body, `<iframe src="${TARGET}"`)
  t.match(user.body, 'data-target-origin="http://127.0.0.1:8080"')
  t.match(decrypt(user.payload!), {
    companyId: 'agencySandbox000001',
    role: 'user',
    type: 'account',
    activeLocation: loc,
  })
  const admin = await page(`user=agency-admin&company=agencyOther0000001&target=${target}`)
  const context = decrypt(admin.payload!) as Record<string, unknown>
  t.match(context, { companyId: 'agencyOther0000001', role: 'admin', type: 'agency' })
  t.notOk('activeLocation' in context, 'the agency view has no active location')
  t.match(decrypt((await page(`user=location-admin&location=${loc}&target=${target}`)).payload!), {
    role: 'admin',
    type: 'account',
  })
  const given = await page(`payload=${encodeURIComponent('U2FsdGVkX1+abc/def==')}&target=${target}`)
  t.equal(given.payload, 'U2FsdGVkX1+abc/def==', 'payload= is sent as given')

  const script = await request(`${sandbox.url}/custom-page.js`)
  t.match(await script.body.text(), /REQUEST_USER_DATA_RESPONSE/)
  for (const bad of ['target=javascript:alert(1)', 'target=nope', `user=owner&target=${target}`]) {
    const res = await request(`${sandbox.url}/custom-page?${bad}`)
    t.equal(res.statusCode, 400, bad)
    await res.body.text()
  }
})

t.test('without a shared secret only a given payload works', async (t) => {
  const sandbox = await startSandbox({ tokens: {} })
  t.teardown(() => sandbox.close())
  const res = await request(`${sandbox.url}/custom-page?target=${encodeURIComponent(TARGET)}`)
  t.equal(res.statusCode, 400)
  t.match(await res.body.text(), /--shared-secret/)
})
