import CryptoJS from 'crypto-js'
import t from 'tap'
import {
  grantFor,
  MAX_PAYLOAD_CHARS,
  readUserContext,
  SsoContextInvalidError,
  SsoNoAccessError,
  SsoNotInstalledError,
  SsoPayloadUnreadableError,
  type InstallLookup,
} from '../../src/highlevel/index.js'

// payloads made as HighLevel's own example makes them: CryptoJS, an implementation apart from tagrelay's
const SECRET = 'b6c1e0f4-3a57-4d2e-9f10-2c8e5a7d4b93'
const encrypt = (value: unknown, secret = SECRET): string =>
  CryptoJS.AES.encrypt(typeof value === 'string' ? value : JSON.stringify(value), secret).toString()

const AGENCY = 'agencyCompanyA000001'
const OTHER_AGENCY = 'agencyCompanyB000002'
const LOC_A = 'locationA00000000001'
const LOC_B = 'locationB00000000002'
const LOC_UNINSTALLED = 'locationC00000000003'
const base = { userId: 'user000000000000001', companyId: AGENCY, userName: 'Ada Lovelace', email: 'ada@example.com' }
const agencyAdmin = { ...base, role: 'admin', type: 'agency', isAgencyOwner: true }
const locationUser = { ...base, role: 'user', type: 'account', activeLocation: LOC_A }
const locationAdmin = { ...base, role: 'admin', type: 'account', activeLocation: LOC_A }

const installs: InstallLookup = {
  companyInstalled: async (id) => id === AGENCY,
  installedLocation: async (id) =>
    id === LOC_A ? { companyId: AGENCY } : id === LOC_B ? { companyId: OTHER_AGENCY } : undefined,
}

function refusal(fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a refusal')
}

t.test('a CryptoJS payload decrypts to the user context, extra fields dropped', async (t) => {
  t.same(readUserContext(encrypt(agencyAdmin), SECRET), agencyAdmin)
  t.same(readUserContext(encrypt(locationUser), SECRET), locationUser)
  const withMore = readUserContext(encrypt({ ...locationAdmin, newField: 1 }), SECRET)
  t.same(withMore, locationAdmin, 'a field HighLevel adds later is dropped, not refused')
  const unicode = { ...locationUser, userName: 'Zoë Ørsted 日本' }
  t.same(readUserContext(encrypt(unicode), SECRET), unicode, 'UTF-8 names')
})

t.test('what does not decrypt is refused as unreadable, naming no value', async (t) => {
  const good = encrypt(locationUser)
  const cases: Array<[string, string]> = [
    ['another secret', encrypt(locationUser, 'some-other-apps-secret')],
    ['truncated', good.slice(0, good.length - 8)],
    ['not base64', `${good.slice(0, 20)}!!!!${good.slice(24)}`],
    ['empty', ''],
    ['no Salted__ header', Buffer.alloc(48, 7).toString('base64')],
    ['oversized', 'A'.repeat(MAX_PAYLOAD_CHARS + 4)],
  ]
  // a bit flipped in each ciphertext block in turn
  const raw = Buffer.from(good, 'base64')
  for (let offset = 16; offset < raw.length; offset += 16) {
    const flipped = Buffer.from(raw)
    flipped[offset + 3]! ^= 0x10
    cases.push([`bit flip at byte ${offset + 3}`, flipped.toString('base64')])
  }
  for (const [what, payload] of cases) {
    const err = refusal(() => readUserContext(payload, SECRET))
    t.type(err, SsoPayloadUnreadableError, what)
    t.match(err, { code: 'TAGRELAY_SSO_PAYLOAD_UNREADABLE', statusCode: 401 }, `${what}: 401 with a stable code`)
    t.notMatch(err.message, SECRET, `${what}: the secret is not in the message`)
  }
})

t.test('an oversized payload is refused before any work', async (t) => {
  // not base64 either: were it decoded first, the message would say so
  const err = refusal(() => readUserContext('!'.repeat(MAX_PAYLOAD_CHARS + 1), SECRET))
  t.match(err.message, /over 8192 characters/)
})

t.test('a valid decryption of the wrong thing is refused as an invalid context', async (t) => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['not JSON', 'hello, tagrelay', /not JSON/],
    ['a JSON array', [1, 2], /\(root\)/],
    ['no companyId', { ...locationUser, companyId: undefined }, /companyId/],
    ['an unknown role', { ...locationUser, role: 'owner' }, /role/],
    ['an unknown type', { ...locationUser, type: 'partner' }, /type/],
    ['a number for userId', { ...locationUser, userId: 12 }, /userId/],
    ['an id with a slash', { ...locationUser, activeLocation: '../x' }, /activeLocation/],
    ['isAgencyOwner as text', { ...agencyAdmin, isAgencyOwner: 'yes' }, /isAgencyOwner/],
  ]
  for (const [what, value, why] of cases) {
    const err = refusal(() => readUserContext(encrypt(value), SECRET))
    t.type(err, SsoContextInvalidError, what)
    t.match(err, { code: 'TAGRELAY_SSO_CONTEXT_INVALID', statusCode: 401, message: why }, what)
  }
  const err = refusal(() => readUserContext(encrypt({ ...locationUser, role: 'owner' }), SECRET))
  t.notMatch(err.message, /owner|ada@example/, 'the message names the field, not the value')
})

t.test('mapping to a scope and a role', async (t) => {
  t.same(await grantFor(readUserContext(encrypt(agencyAdmin), SECRET), installs), {
    scope: { kind: 'company', companyId: AGENCY },
    role: 'admin',
  })
  t.same(await grantFor(readUserContext(encrypt(locationUser), SECRET), installs), {
    scope: { kind: 'locations', locationIds: [LOC_A] },
    role: 'viewer',
  })
  t.same(await grantFor(readUserContext(encrypt(locationAdmin), SECRET), installs), {
    scope: { kind: 'locations', locationIds: [LOC_A] },
    role: 'admin',
  })
  t.same(
    await grantFor({ ...agencyAdmin, activeLocation: LOC_A } as never, installs),
    { scope: { kind: 'locations', locationIds: [LOC_A] }, role: 'admin' },
    'an agency admin inside a sub-account sees that sub-account',
  )
})

t.test('refusals of the mapping', async (t) => {
  const cases: Array<[string, object, new (why: string) => Error, string]> = [
    ['unknown company', { ...agencyAdmin, companyId: 'agencyNotInstalled01' }, SsoNotInstalledError, 'NOT_INSTALLED'],
    [
      'uninstalled location',
      { ...locationUser, activeLocation: LOC_UNINSTALLED },
      SsoNotInstalledError,
      'NOT_INSTALLED',
    ],
    ['location of another company', { ...locationAdmin, activeLocation: LOC_B }, SsoNotInstalledError, 'NOT_INSTALLED'],
    ['agency user outside a sub-account', { ...agencyAdmin, role: 'user' }, SsoNoAccessError, 'NO_ACCESS'],
    [
      'account admin without a location',
      { ...locationAdmin, activeLocation: undefined },
      SsoNoAccessError,
      'NO_ACCESS',
    ],
  ]
  for (const [what, value, type, code] of cases) {
    const ctx = readUserContext(encrypt(value), SECRET)
    const err = await grantFor(ctx, installs).then(
      () => new Error('granted'),
      (e: Error) => e,
    )
    t.type(err, type, what)
    t.match(err, { code: `TAGRELAY_SSO_${code}`, statusCode: 401 }, what)
  }
})
