import CryptoJS from 'crypto-js'
import t from 'tap'
import { ADMIN_TOKEN, build, HL_TOKEN, LOCATION_ID } from '../../helpers/build.js'

const SECRET = 'hl-shared-secret-0b7e3c9a51d4'
const AGENCY = 'agencyCompanyA000001'
const LOC_A = 'locationA00000000001'
const OTHER = 'locationB00000000002'
// made by CryptoJS, as HighLevel's example makes them
const encrypt = (value: object, secret = SECRET) => CryptoJS.AES.encrypt(JSON.stringify(value), secret).toString()
const person = { userId: 'user000000000000001', companyId: AGENCY, userName: 'Ada', email: 'ada@example.com' }

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

async function setup(t: Tap, sharedSecret: string | null = SECRET) {
  const built = await build(t, {
    extra: {
      admin: { token: ADMIN_TOKEN, throttle: { freeFailures: 3, maxDelaySeconds: 60 } },
      highlevel: {
        baseUrl: 'http://127.0.0.1:9',
        locations: { main: { locationId: LOCATION_ID, auth: { type: 'private-integration', token: HL_TOKEN } } },
        app: {
          clientId: 'tagrelay-app-1',
          clientSecret: 'client-secret-of-the-app',
          redirectUrl: 'https://tags.example.com/oauth/callback',
          ...(sharedSecret === null ? {} : { sharedSecret }),
          customPage: { sessionMinutes: 30 },
        },
      },
    },
  })
  const { directory } = built.store
  const now = Date.now()
  await directory.saveCompany({
    companyId: AGENCY,
    state: 'active',
    stateReason: null,
    installedAt: now,
    updatedAt: now,
  })
  const location = (locationId: string, companyId: string, state: 'active' | 'removed' = 'active') => ({
    locationId,
    name: locationId,
    companyId,
    tokenSource: 'company' as const,
    state,
    stateReason: null,
    disabled: false,
    installedAt: now,
    updatedAt: now,
  })
  await directory.saveLocations([location(LOC_A, AGENCY), location('locationGone00000003', AGENCY, 'removed')])
  await directory.saveCompany({
    companyId: 'agencyCompanyB000002',
    state: 'active',
    stateReason: null,
    installedAt: now,
    updatedAt: now,
  })
  await directory.saveLocation(location(OTHER, 'agencyCompanyB000002'))
  const sso = (payload: unknown, headers: Record<string, string> = {}) =>
    built.app.inject({ method: 'POST', url: '/admin/sso/highlevel', payload: { payload }, headers })
  return { ...built, sso }
}

t.test('a user context opens a short header session with its scope and role, never a cookie', async (t) => {
  const { app, sso, logs } = await setup(t)
  const cases: Array<[string, object, object]> = [
    [
      'agency admin',
      { ...person, role: 'admin', type: 'agency' },
      { role: 'admin', scope: { kind: 'company', companyId: AGENCY } },
    ],
    [
      'location user',
      { ...person, role: 'user', type: 'account', activeLocation: LOC_A },
      { role: 'viewer', scope: { kind: 'locations', locationIds: [LOC_A] } },
    ],
    [
      'location admin',
      { ...person, role: 'admin', type: 'account', activeLocation: LOC_A },
      { role: 'admin', scope: { kind: 'locations', locationIds: [LOC_A] } },
    ],
  ]
  for (const [who, context, expected] of cases) {
    const res = await sso(encrypt(context), { origin: 'http://localhost:80' })
    t.equal(res.statusCode, 200, who)
    t.notOk('set-cookie' in res.headers, `${who}: no cookie`)
    const body = res.json()
    t.match(body, { ...expected, session: String, expiresAt: String }, who)
    const minutes = (Date.parse(body.expiresAt) - Date.now()) / 60_000
    t.ok(minutes > 29 && minutes <= 30, `${who}: customPage.sessionMinutes`)
    const session = await app.inject({ url: '/admin/session', headers: { authorization: `Session ${body.session}` } })
    t.match(session.json(), { ...expected, via: 'sso' }, `${who}: the header carries it`)
  }
  const text = logs.text()
  t.notMatch(text, SECRET, 'the secret is never logged')
  t.notMatch(text, /U2FsdGVk/, 'nor any payload')
  const signIns = logs.lines().filter((l) => l.msg === 'console sign-in from HighLevel')
  t.equal(signIns.length, 3)
  t.match(signIns[1], { userId: person.userId, companyId: AGENCY, location: LOC_A, role: 'viewer' })
})

t.test('refusals: 401 with a stable code, counted per address until it is held', async (t) => {
  const { sso, logs } = await setup(t)
  const refused: Array<[string, unknown, string]> = [
    [
      'another secret',
      encrypt({ ...person, role: 'admin', type: 'agency' }, 'another-apps-secret'),
      'PAYLOAD_UNREADABLE',
    ],
    [
      'unknown company',
      encrypt({ ...person, companyId: 'agencyUnknown00001', role: 'admin', type: 'agency' }),
      'NOT_INSTALLED',
    ],
    [
      'removed location',
      encrypt({ ...person, role: 'user', type: 'account', activeLocation: 'locationGone00000003' }),
      'NOT_INSTALLED',
    ],
  ]
  for (const [what, payload, code] of refused) {
    const res = await sso(payload)
    t.equal(res.statusCode, 401, what)
    t.equal(res.json().code, `TAGRELAY_SSO_${code}`, what)
  }
  const held = await sso(encrypt({ ...person, role: 'user', type: 'account', activeLocation: OTHER }))
  t.equal(held.statusCode, 429, 'after 3 refusals the address is held')
  t.equal(held.json().code, 'TAGRELAY_ADMIN_THROTTLED')
  t.ok(Number(held.headers['retry-after']) >= 1)
  t.equal(logs.lines().filter((l) => l.msg === 'console sign-in from HighLevel refused').length, 3)
})

t.test('a location of another company, a bad body, another origin', async (t) => {
  const { sso, app } = await setup(t)
  const other = await sso(encrypt({ ...person, role: 'admin', type: 'account', activeLocation: OTHER }))
  t.equal(other.json().code, 'TAGRELAY_SSO_NOT_INSTALLED', 'the location is installed, but under another company')
  t.equal((await app.inject({ method: 'POST', url: '/admin/sso/highlevel', payload: { token: 'x' } })).statusCode, 400)
  const cross = await sso(encrypt({ ...person, role: 'admin', type: 'agency' }), { origin: 'https://evil.example' })
  t.equal(cross.statusCode, 403, 'a page of another site cannot sign in through it')
  const forged = await app.inject({ url: '/admin/events', headers: { authorization: 'Session abc.def' } })
  t.equal(forged.statusCode, 401, 'a forged header session')
})

t.test('without the shared secret single sign-on is off', async (t) => {
  const { sso } = await setup(t, null)
  const res = await sso(encrypt({ ...person, role: 'admin', type: 'agency' }))
  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'TAGRELAY_SSO_DISABLED')
})

t.test('an agency whose install was revoked: neither the agency nor its locations', async (t) => {
  const { sso, store } = await setup(t)
  const now = Date.now()
  await store.directory.saveCompany({
    companyId: AGENCY,
    state: 'revoked',
    stateReason: 'UNINSTALL',
    installedAt: now,
    updatedAt: now,
  })
  for (const context of [
    { ...person, role: 'admin', type: 'agency' },
    { ...person, role: 'user', type: 'account', activeLocation: LOC_A },
  ]) {
    const res = await sso(encrypt(context))
    t.equal(res.json().code, 'TAGRELAY_SSO_NOT_INSTALLED', context.type)
  }
})
