import t from 'tap'
import { CONSOLE_CSP, PAGES } from '../../src/console/index.js'
import { validateConfig } from '../../src/config/index.js'
import { ADMIN_TOKEN, build, HL_TOKEN, LOCATION_ID } from '../helpers/build.js'

const HIGHLEVEL = 'https://app.gohighlevel.com https://app.leadconnectorhq.com'
const WHITE_LABEL = ['https://app.agency-one.example', 'https://crm.agency-two.example:8443']

const app = (customPage: object, sharedSecret: string | null) => ({
  clientId: 'tagrelay-app-1',
  clientSecret: 'client-secret-of-the-app',
  redirectUrl: 'https://tags.example.com/oauth/callback',
  ...(sharedSecret === null ? {} : { sharedSecret }),
  customPage,
})
const highlevel = (customPage: object, sharedSecret: string | null = 'a-shared-secret-of-the-app') => ({
  highlevel: {
    baseUrl: 'http://127.0.0.1:9',
    locations: { main: { locationId: LOCATION_ID, auth: { type: 'private-integration', token: HL_TOKEN } } },
    app: app(customPage, sharedSecret),
  },
})
const framedUrls = [
  '/console/highlevel',
  ...PAGES.filter((p) => p.nav).map((p) => `/console/highlevel/${p.name}`),
  '/console/highlevel/events/evt_1',
]
const otherUrls = [...PAGES.filter((p) => p.name !== 'event').map((p) => `/console/${p.name}`), '/console/events/evt_1']

t.test('the Custom Page may be framed by HighLevel and the configured domains, nothing else may', async (t) => {
  const { app } = await build(t, {
    extra: { admin: { token: ADMIN_TOKEN }, ...highlevel({ frameOrigins: [...WHITE_LABEL, WHITE_LABEL[0]] }) },
  })
  const expected = CONSOLE_CSP.replace(
    "frame-ancestors 'none'",
    `frame-ancestors ${HIGHLEVEL} ${WHITE_LABEL.join(' ')}`,
  )
  for (const url of framedUrls) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['content-security-policy'], expected, `${url}: HighLevel's origins and the configured ones`)
    t.notOk('x-frame-options' in res.headers, `${url}: no X-Frame-Options`)
    t.notMatch(res.body, /<script>|<script [^>]*>[^<]|<style|\sstyle=|\son\w+=/i, `${url}: nothing inline`)
    t.match(res.body, `data-parent-origins="${HIGHLEVEL} ${WHITE_LABEL.join(' ')}"`, `${url}: the parents it accepts`)
    t.notMatch(res.body, /href="\/console\/(?!highlevel|assets)/, `${url}: links stay inside the frame`)
  }
  for (const url of otherUrls) {
    const res = await app.inject({ url })
    t.equal(res.headers['content-security-policy'], CONSOLE_CSP, `${url}: frame-ancestors 'none'`)
    t.equal(res.headers['x-frame-options'], 'DENY', `${url}: DENY`)
  }
  const asset = await app.inject({ url: '/console/assets/core.js' })
  t.equal(asset.headers['content-security-policy'], CONSOLE_CSP, 'assets keep the console policy')
  for (const [method, url] of [
    ['GET', '/admin/events'],
    ['GET', '/admin/session'],
    ['POST', '/admin/sso/highlevel'],
    ['GET', '/healthz'],
    ['GET', '/console/highlevel/nope'],
  ] as const) {
    const res = await app.inject({ method, url })
    t.equal(res.headers['content-security-policy'], "frame-ancestors 'none'", `${method} ${url}: not frameable`)
    t.equal(res.headers['x-frame-options'], 'DENY', `${method} ${url}: DENY`)
  }
  const admin = await app.inject({ url: '/admin/events', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  t.equal(admin.statusCode, 200)
  t.equal(admin.headers['content-security-policy'], "frame-ancestors 'none'", 'an admin API answer: not frameable')
})

t.test('without the shared secret the framed entry is off', async (t) => {
  const { app } = await build(t, { extra: { admin: { token: ADMIN_TOKEN }, ...highlevel({}, null) } })
  for (const url of framedUrls) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 404, url)
    t.equal(res.json().code, 'TAGRELAY_SSO_DISABLED')
    t.equal(res.headers['content-security-policy'], "frame-ancestors 'none'", `${url}: not frameable either`)
  }
})

t.test('frame origins are validated', async (t) => {
  const load = (frameOrigins: unknown[]) => () =>
    validateConfig({ store: { url: 'sqlite::memory:' }, ...highlevel({ frameOrigins }) })
  t.same(load(['https://app.agency.example/'])().highlevel.app?.customPage.frameOrigins, ['https://app.agency.example'])
  t.same(load(['http://localhost:4010', 'http://127.0.0.1:80'])().highlevel.app?.customPage.frameOrigins, [
    'http://localhost:4010',
    'http://127.0.0.1',
  ])
  t.throws(load(['http://app.agency.example']), /frameOrigins\.0: https only/)
  t.throws(load(['https://app.agency.example/console']), /an origin only/)
  t.throws(load(['https://user@app.agency.example']), /an origin only/)
  t.throws(load(['https://*.agency.example']), /frameOrigins/)
  t.throws(load(["https://a.example 'unsafe-inline'"]), /frameOrigins/)
  t.throws(load(['app.agency.example']), /not a URL/)
})
