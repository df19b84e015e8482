import type { Service } from '../../src/service.js'
import type { Sandbox } from '../../src/sandbox/index.js'
import { ADMIN_TOKEN, HL_TOKEN, LOCATION_ID, testConfig } from './build.js'

export const CLIENT = 'agencyapp01-k7x'
export const SECRET = 'agency-app-secret-0001'
export const COMPANY = 'agencyCompany0000042'
const REDIRECT = 'https://tags.example.com/oauth/callback'

export { until } from './until.js'

/** A service with tagrelay's HighLevel app pointed at the sandbox and a source that takes the location from the URL. */
export function agencyConfig(
  sandbox: Sandbox,
  storeUrl: string,
  userType: 'Location' | 'Company' = 'Company',
  /** more top-level config sections (store: PostgreSQL schema)  */
  more: Record<string, unknown> = {},
) {
  return testConfig({
    storeUrl,
    baseUrl: sandbox.url,
    sources: { agency: { location: { from: 'url' }, verify: { type: 'none' } } },
    rules: [
      { name: 'agency lead', source: 'agency', contact: { email: 'email' }, tags: ['agency-lead'] },
      {
        name: 'tagged by location',
        source: 'agency',
        when: { field: '$location', exists: true },
        contact: { email: 'email' },
        tags: ['at-{{ $location }}'],
      },
    ],
    extra: {
      ...more,
      admin: { token: ADMIN_TOKEN },
      highlevel: {
        baseUrl: sandbox.url,
        timeoutMs: 2000,
        locations: { main: { locationId: LOCATION_ID, auth: { type: 'private-integration', token: HL_TOKEN } } },
        app: {
          clientId: CLIENT,
          clientSecret: SECRET,
          redirectUrl: REDIRECT,
          userType,
          installBaseUrl: sandbox.url,
          webhookPublicKey: sandbox.webhookPublicKey,
        },
      },
    },
  })
}

/** What an admin's browser does: /oauth/install → HighLevel's page (auto-approving) → our callback. */
export async function install(service: Service): Promise<Response> {
  const first = await fetch(`${service.url}/oauth/install`, { redirect: 'manual' })
  if (first.status !== 302) throw new Error(`/oauth/install answered ${first.status}`)
  // the browser keeps the install's cookie and sends it back with the callback
  const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!
  const page = await fetch(first.headers.get('location')!, { redirect: 'manual' })
  if (page.status !== 302) throw new Error(`choose-location answered ${page.status}: ${await page.text()}`)
  const back = new URL(page.headers.get('location')!)
  return fetch(`${service.url}/oauth/callback${back.search}`, { headers: { cookie } })
}

export const hook = (service: Service, location: string, email: string) =>
  fetch(`${service.url}/hooks/agency/${encodeURIComponent(location)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  })
