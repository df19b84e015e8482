import { randomBytes } from 'node:crypto'
import type { Config } from '../config/index.js'
import { configSchema } from '../config/index.js'
import type { Sandbox } from '../sandbox/index.js'

/** The demo's own HighLevel app and agency, for the Custom Page (single sign-on) with `--keep`. */
export const DEMO_APP_CLIENT = 'tagrelaydemo-app'
export const DEMO_AGENCY = 'demoAgency0000000001'

export interface DemoCustomPage {
  clientSecret: string
  sharedSecret: string
}

export const demoCustomPage = (): DemoCustomPage => ({
  clientSecret: randomBytes(12).toString('hex'),
  sharedSecret: randomBytes(16).toString('hex'),
})

/** The sandbox's origin as the parent window's: `localhost`, another site than tagrelay's 127.0.0.1. */
export const parentOrigin = (sandbox: Sandbox): string => `http://localhost:${sandbox.port}`

/**
 * The demo config with tagrelay's app pointed at the sandbox, its Shared Secret set (single
 * sign-on on) and the sandbox's parent page allowed to frame the console.
 */
export function withCustomPage(config: Config, sandbox: Sandbox, keys: DemoCustomPage, port: string): Config {
  const app = configSchema.shape.highlevel.parse({
    app: {
      clientId: DEMO_APP_CLIENT,
      clientSecret: keys.clientSecret,
      redirectUrl: `http://127.0.0.1:${port}/oauth/callback`,
      userType: 'Company',
      installBaseUrl: sandbox.url,
      webhookPublicKey: sandbox.webhookPublicKey,
      sharedSecret: keys.sharedSecret,
      customPage: { frameOrigins: [parentOrigin(sandbox)] },
    },
  }).app
  return { ...config, highlevel: { ...config.highlevel, app } }
}

/** Installs the app on the demo agency (one new location), as an agency admin's browser would; its location id. */
export async function installDemoAgency(serviceUrl: string, sandbox: Sandbox): Promise<string> {
  const [locationId] = sandbox.addCompanyLocations(DEMO_AGENCY, 1, 'demoLoc') as [string]
  sandbox.chooseInstall({
    userType: 'Company',
    companyId: DEMO_AGENCY,
    locationIds: [locationId],
    installWebhook: 'none',
  })
  const start = await fetch(`${serviceUrl}/oauth/install`, { redirect: 'manual' })
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const approved = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' })
  const back = new URL(approved.headers.get('location') ?? '')
  const done = await fetch(`${serviceUrl}/oauth/callback${back.search}`, { headers: { cookie } })
  if (done.status !== 200) throw new Error(`the demo agency's install answered ${done.status}`)
  return locationId
}

/** The lines the demo prints: the sandbox's parent page for each HighLevel user. */
export function customPageLines(sandbox: Sandbox, serviceUrl: string, locationId: string): string {
  const target = encodeURIComponent(`${serviceUrl}/console/highlevel`)
  const page = (user: string, where: string) =>
    `${parentOrigin(sandbox)}/custom-page?user=${user}${where}&target=${target}`
  return `\nthe console inside HighLevel (a Custom Page; the sandbox plays HighLevel's window):
  agency admin, agency ${DEMO_AGENCY}   ${page('agency-admin', `&company=${DEMO_AGENCY}`)}
  location user (read-only)             ${page('location-user', `&location=${locationId}`)}
  location admin                        ${page('location-admin', `&location=${locationId}`)}`
}
