import { join } from 'node:path'
import t from 'tap'
import { startService, type Service } from '../../src/service.js'
import { startSandbox } from '../../src/sandbox/index.js'
import { captureLogs, tempDir } from '../helpers/build.js'
import { agencyConfig, CLIENT, COMPANY, SECRET } from '../helpers/agency.js'

/** The first two legs of an install in one browser: its cookie, and HighLevel's redirect back (code and state). */
async function startInstall(service: Service): Promise<{ cookie: string; callback: string; page: string }> {
  const first = await fetch(`${service.url}/oauth/install`, { redirect: 'manual' })
  const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!
  const page = first.headers.get('location')!
  return { cookie, page, callback: await approve(service, page) }
}

/** HighLevel's choose-location page approving (again): a fresh code with the same state. */
async function approve(service: Service, page: string): Promise<string> {
  const res = await fetch(page, { redirect: 'manual' })
  return `${service.url}/oauth/callback${new URL(res.headers.get('location')!).search}`
}

t.test('an install state is single use and bound to the browser that started the install', async (t) => {
  const sandbox = await startSandbox({ tokens: {}, oauthClients: { [CLIENT]: SECRET } })
  t.teardown(() => sandbox.close())
  const locationId = 'stateLoc000000000001'
  sandbox.chooseInstall({ userType: 'Location', locationId, companyId: COMPANY, installWebhook: 'none' })
  const config = agencyConfig(sandbox, `sqlite:${join(tempDir(t), 'state.db')}`, 'Location')
  const service = await startService({ config, logStream: captureLogs().stream })
  t.teardown(() => service.close())

  // another browser follows a callback link made for the admin's install: refused
  const admin = await startInstall(service)
  t.match(admin.cookie, /^tagrelay_oauth=./, 'the install sets a cookie in the browser')
  const elsewhere = await fetch(admin.callback)
  t.equal(elsewhere.status, 400, 'without the cookie')
  t.match(await elsewhere.json(), { code: 'TAGRELAY_OAUTH_STATE_INVALID', message: /browser/ })
  const other = await startInstall(service)
  const crossed = await fetch(await approve(service, admin.page), { headers: { cookie: other.cookie } })
  t.equal(crossed.status, 400, "with another install's cookie")

  const done = await fetch(await approve(service, admin.page), { headers: { cookie: admin.cookie } })
  t.equal(done.status, 200, 'the browser that started it installs')
  t.match(String(done.headers.get('set-cookie')), /^tagrelay_oauth=;.*Max-Age=0/, 'and its cookie is cleared')

  const replay = await fetch(await approve(service, admin.page), { headers: { cookie: admin.cookie } })
  t.equal(replay.status, 400, 'the used state with a fresh code is refused')
  t.match(await replay.json(), { code: 'TAGRELAY_OAUTH_STATE_INVALID', message: /already used/ })
})
