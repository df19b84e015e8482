import t from 'tap'
import { HIGHLEVEL_API_VERSION } from '../../src/highlevel/index.js'
import { violations } from '../highlevel/contract/contract.js'
import { OpenApiContract } from '../highlevel/contract/openapi.js'
import { recordingProxy } from '../highlevel/contract/recorder.js'
import { sandboxFor } from '../highlevel/fixtures/helpers.js'

const CLIENT = 'app77-x1'
const SECRET = 'shh'
const COMPANY = 'agencyCompany0000077'
const form = { 'content-type': 'application/x-www-form-urlencoded' }

t.test('the install endpoints answer as the official OAuth spec says, errors included', async (t) => {
  const sandbox = await sandboxFor(t, { oauthClients: { [CLIENT]: SECRET } })
  const proxy = await recordingProxy(t, sandbox.url)
  const [a, b] = sandbox.addCompanyLocations(COMPANY, 2) as [string, string]
  sandbox.chooseInstall({ userType: 'Company', companyId: COMPANY, locationIds: [a] })
  const query = new URLSearchParams({ response_type: 'code', client_id: CLIENT, redirect_uri: 'https://x.example/cb' })
  const page = await fetch(`${sandbox.url}/oauth/chooselocation?${query}`, { redirect: 'manual' })
  const code = new URL(page.headers.get('location') ?? '').searchParams.get('code') ?? ''

  const post = async (path: string, body: Record<string, string>, bearer?: string) => {
    const headers: Record<string, string> = { ...form, version: HIGHLEVEL_API_VERSION }
    if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`
    const res = await fetch(`${proxy.url}${path}`, { method: 'POST', headers, body: new URLSearchParams(body) })
    return (await res.json()) as Record<string, string>
  }
  const credentials = { client_id: CLIENT, client_secret: SECRET }
  const company = await post('/oauth/token', {
    ...credentials,
    grant_type: 'authorization_code',
    code,
    user_type: 'Company',
    redirect_uri: 'https://x.example/cb',
  })
  await post('/oauth/token', { ...credentials, grant_type: 'authorization_code', code, user_type: 'Company' })
  await post('/oauth/token', { ...credentials, grant_type: 'refresh_token', refresh_token: 'spent-or-unknown' })
  const list = await fetch(
    `${proxy.url}/oauth/installedLocations?companyId=${COMPANY}&appId=app77&isInstalled=true&skip=0&limit=10`,
    { headers: { authorization: `Bearer ${company.access_token}`, version: HIGHLEVEL_API_VERSION } },
  )
  t.equal(list.status, 200)
  await post('/oauth/locationToken', { companyId: COMPANY, locationId: a }, company.access_token)
  await post('/oauth/locationToken', { companyId: COMPANY, locationId: b }, company.access_token)

  t.equal(proxy.exchanges.length, 6)
  t.same(
    proxy.exchanges.flatMap((ex) => violations(new OpenApiContract(), ex)),
    [],
    'no violation',
  )
})
