import { createPublicKey, verify } from 'node:crypto'
import t from 'tap'
import { HIGHLEVEL_API_VERSION } from '../../src/highlevel/index.js'
import type { Sandbox } from '../../src/sandbox/index.js'
import { rawServer, sandboxFor } from '../highlevel/fixtures/helpers.js'

const CLIENT = 'app123-k9'
const SECRET = 'app-secret'
const REDIRECT = 'https://tagrelay.example/oauth/callback'
const COMPANY = 'agencyCompany0000001'

async function authorize(sandbox: Sandbox, state = 's-1'): Promise<URL> {
  const query = new URLSearchParams({ response_type: 'code', client_id: CLIENT, redirect_uri: REDIRECT, state })
  const res = await fetch(`${sandbox.url}/oauth/chooselocation?${query}`, { redirect: 'manual' })
  if (res.status !== 302) throw new Error(`chooselocation answered ${res.status}: ${await res.text()}`)
  return new URL(res.headers.get('location') ?? '')
}

async function token(sandbox: Sandbox, fields: Record<string, string>) {
  const res = await fetch(`${sandbox.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT, client_secret: SECRET, ...fields }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function api(sandbox: Sandbox, path: string, bearer: string, init: RequestInit = {}) {
  const res = await fetch(`${sandbox.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${bearer}`, version: HIGHLEVEL_API_VERSION, ...init.headers },
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const exchange = (sandbox: Sandbox, code: string, userType: string) =>
  token(sandbox, { grant_type: 'authorization_code', code, user_type: userType, redirect_uri: REDIRECT })

t.test('a Location install: redirect with code and state, one exchange, a working token', async (t) => {
  const sandbox = await sandboxFor(t, { oauthClients: { [CLIENT]: SECRET } })
  sandbox.chooseInstall({ userType: 'Location', locationId: 'locInstalled00000001', companyId: COMPANY })
  const back = await authorize(sandbox, 'csrf-123')
  t.equal(back.origin + back.pathname, REDIRECT)
  t.equal(back.searchParams.get('state'), 'csrf-123', 'state comes back as given')
  const code = back.searchParams.get('code') ?? ''

  const wrongUri = await token(sandbox, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: 'https://elsewhere.example/cb',
  })
  t.equal(wrongUri.body.error, 'invalid_grant', 'a different redirect_uri does not redeem the code')
  const asCompany = await exchange(sandbox, code, 'Company')
  t.equal(asCompany.body.error, 'invalid_request', 'a Location install gives no Company token')
  t.equal((await exchange(sandbox, code, 'Location')).body.error, 'invalid_grant', 'and that try spent the code')

  const second = await authorize(sandbox)
  const code2 = second.searchParams.get('code') ?? ''
  const ok = await exchange(sandbox, code2, 'Location')
  t.equal(ok.status, 200)
  t.match(ok.body, { userType: 'Location', locationId: 'locInstalled00000001', companyId: COMPANY, appId: 'app123' })
  t.equal((await exchange(sandbox, code2, 'Location')).body.error_description, 'Invalid authorization code')

  const created = await api(sandbox, '/contacts/upsert', String(ok.body.access_token), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ locationId: 'locInstalled00000001', email: 'ann@example.com' }),
  })
  t.ok(created.status === 200 || created.status === 201, 'the installed token works on its location')

  const refreshed = await token(sandbox, { grant_type: 'refresh_token', refresh_token: String(ok.body.refresh_token) })
  t.equal(refreshed.status, 200)
  t.not(refreshed.body.refresh_token, ok.body.refresh_token, 'the refresh rotates the refresh token')
})

t.test('an agency install lists thousands of locations by page and mints location tokens', async (t) => {
  const sandbox = await sandboxFor(t, { oauthClients: { [CLIENT]: SECRET } })
  const ids = sandbox.addCompanyLocations(COMPANY, 1_200)
  const spare = sandbox.addCompanyLocations(COMPANY, 3)
  sandbox.chooseInstall({ userType: 'Company', companyId: COMPANY, locationIds: ids })
  const code = (await authorize(sandbox)).searchParams.get('code') ?? ''
  const company = await exchange(sandbox, code, 'Company')
  t.match(company.body, { userType: 'Company', companyId: COMPANY, isBulkInstallation: true })
  t.notOk('locationId' in company.body, 'a Company token names no location')
  t.equal((company.body.approvedLocations as string[]).length, 1_200)
  const bearer = String(company.body.access_token)

  const seen: string[] = []
  for (let skip = 0; ; skip += 500) {
    const page = await api(
      sandbox,
      `/oauth/installedLocations?companyId=${COMPANY}&appId=app123&isInstalled=true&skip=${skip}&limit=500`,
      bearer,
    )
    t.equal(page.body.count, 1_200)
    const locations = page.body.locations as { _id: string; isInstalled: boolean }[]
    if (locations.length === 0) break
    seen.push(...locations.map((l) => l._id))
  }
  t.same(seen.sort(), [...ids].sort(), 'every installed location, none of the others')
  const all = await api(
    sandbox,
    `/oauth/installedLocations?companyId=${COMPANY}&appId=app123&limit=500&skip=1000`,
    bearer,
  )
  t.equal(all.body.count, 1_203, 'without isInstalled the list has the company’s other locations too')
  t.equal(
    (await api(sandbox, `/oauth/installedLocations?companyId=${COMPANY}&appId=app123&limit=501`, bearer)).status,
    400,
  )
  t.equal((await api(sandbox, `/oauth/installedLocations?companyId=other&appId=app123`, bearer)).status, 401)

  const mint = (locationId: string) =>
    api(sandbox, '/oauth/locationToken', bearer, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ companyId: COMPANY, locationId }),
    })
  const minted = await mint(ids[7]!)
  t.equal(minted.status, 200)
  t.match(minted.body, { userType: 'Location', locationId: ids[7], companyId: COMPANY })
  t.equal(
    (
      await api(
        sandbox,
        '/contacts/search/duplicate?locationId=' + ids[7] + '&email=x@example.com',
        String(minted.body.access_token),
      )
    ).status,
    200,
  )
  t.match((await mint(spare[0]!)).body, { statusCode: 400, message: 'This app is not installed on this location' })
  const asLocation = await api(
    sandbox,
    `/oauth/installedLocations?companyId=${COMPANY}&appId=app123`,
    String(minted.body.access_token),
  )
  t.equal(asLocation.status, 401, 'a Location token cannot list the agency’s locations')
  const minted2 = await token(sandbox, {
    grant_type: 'refresh_token',
    refresh_token: String(minted.body.refresh_token),
  })
  t.equal(minted2.body.locationId, ids[7], 'a minted location token has its own refresh chain')

  const refreshed = await token(sandbox, {
    grant_type: 'refresh_token',
    refresh_token: String(company.body.refresh_token),
  })
  t.equal(refreshed.body.userType, 'Company', 'the Company chain refreshes like a Location one')
  t.equal(
    (await token(sandbox, { grant_type: 'refresh_token', refresh_token: String(company.body.refresh_token) })).body
      .error,
    'invalid_grant',
    'a spent Company refresh token is refused',
  )
})

t.test('INSTALL webhooks, signed, before the redirect or after the exchange; UNINSTALL revokes', async (t) => {
  let down = 2
  const receiver = await rawServer(t, (_req, res) => {
    res.statusCode = down-- > 0 ? 503 : 200
    res.end()
  })
  const sandbox = await sandboxFor(t, { oauthClients: { [CLIENT]: SECRET }, appWebhookUrl: receiver.url })
  const key = createPublicKey({ key: Buffer.from(sandbox.webhookPublicKey, 'base64'), format: 'der', type: 'spki' })
  const [a, b] = sandbox.addCompanyLocations(COMPANY, 2) as [string, string]

  sandbox.chooseInstall({
    userType: 'Company',
    companyId: COMPANY,
    locationIds: [a, b],
    installWebhook: 'before-redirect',
  })
  const code = (await authorize(sandbox)).searchParams.get('code') ?? ''
  t.equal(receiver.seen.length, 5, 'sent before the redirect: 2 tries of the first (503, 503 then 200), then two more')
  const bodies = sandbox.appWebhooksSent.map((s) => s.body)
  t.match(bodies, [
    { type: 'INSTALL', installType: 'Company', companyId: COMPANY },
    { type: 'INSTALL', locationId: a },
    { type: 'INSTALL', locationId: b },
  ])
  t.same(
    sandbox.appWebhooksSent.map((s) => [s.outcome, s.tries]),
    [
      [200, 3],
      [200, 1],
      [200, 1],
    ],
    'a receiver down twice gets it on the third try',
  )
  for (const seen of receiver.seen) {
    const sig = Buffer.from(String(seen.headers['x-ghl-signature']), 'base64')
    t.ok(verify(null, Buffer.from(seen.body), key, sig), 'X-GHL-Signature verifies with the published key')
  }
  const company = await exchange(sandbox, code, 'Company')

  sandbox.chooseInstall({ userType: 'Location', locationId: 'locLate0000000000001', companyId: COMPANY })
  const late = (await authorize(sandbox)).searchParams.get('code') ?? ''
  t.equal(sandbox.appWebhooksSent.length, 3, 'after-exchange (the default): nothing before the exchange')
  const loc = await exchange(sandbox, late, 'Location')
  await sandbox.appWebhooksSettled()
  t.match(sandbox.appWebhooksSent.at(-1)?.body, { type: 'INSTALL', locationId: 'locLate0000000000001' })

  await sandbox.uninstall(CLIENT, { locationId: 'locLate0000000000001' })
  t.match(sandbox.appWebhooksSent.at(-1)?.body, {
    type: 'UNINSTALL',
    appId: 'app123',
    locationId: 'locLate0000000000001',
  })
  const spent = await token(sandbox, { grant_type: 'refresh_token', refresh_token: String(loc.body.refresh_token) })
  t.equal(spent.body.error_description, 'This app is not installed on this location')
  t.equal(
    (await api(sandbox, '/contacts/x1', String(loc.body.access_token))).status,
    401,
    'its access token stops at once',
  )

  await sandbox.uninstall(CLIENT, { companyId: COMPANY })
  const gone = await token(sandbox, { grant_type: 'refresh_token', refresh_token: String(company.body.refresh_token) })
  t.equal(gone.body.error_description, 'This app is not installed on this company')
})

t.test('a deactivated sub-account: refresh and calls say "Location is not active"', async (t) => {
  const sandbox = await sandboxFor(t, { oauthClients: { [CLIENT]: SECRET } })
  const refresh = sandbox.issueRefreshToken(CLIENT, 'locSleepy00000000001')
  const first = await token(sandbox, { grant_type: 'refresh_token', refresh_token: refresh })
  sandbox.deactivateLocation('locSleepy00000000001')
  const call = await api(sandbox, '/contacts/abc', String(first.body.access_token))
  t.same([call.status, call.body.message], [401, 'Location is not active'])
  const again = await token(sandbox, { grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token) })
  t.same([again.status, again.body.error_description], [400, 'Location is not active'])
})

t.test('bad install requests get HighLevel-shaped 400s', async (t) => {
  const sandbox = await sandboxFor(t, { oauthClients: { [CLIENT]: SECRET } })
  const ask = (q: Record<string, string>) =>
    fetch(`${sandbox.url}/v2/oauth/chooselocation?${new URLSearchParams(q)}`, { redirect: 'manual' })
  t.equal((await ask({ response_type: 'code', client_id: 'nope', redirect_uri: REDIRECT })).status, 400)
  t.equal((await ask({ response_type: 'token', client_id: CLIENT, redirect_uri: REDIRECT })).status, 400)
  t.equal((await ask({ response_type: 'code', client_id: CLIENT, redirect_uri: 'not a url' })).status, 400)
  t.equal((await ask({ response_type: 'code', client_id: CLIENT, redirect_uri: REDIRECT })).status, 302, '/v2 path too')
  const badGrant = await token(sandbox, { grant_type: 'password' })
  t.equal(badGrant.status, 400)
  const badType = await token(sandbox, { grant_type: 'refresh_token', refresh_token: 'x', user_type: 'Agency' })
  t.equal(badType.status, 400)
})
