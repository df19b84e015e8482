import { join } from 'node:path'
import t from 'tap'
import { startService } from '../../src/service.js'
import { startSandbox } from '../../src/sandbox/index.js'
import { ADMIN_TOKEN, captureLogs, tempDir } from '../helpers/build.js'
import { agencyConfig, CLIENT, COMPANY, hook, install, SECRET, until } from '../helpers/agency.js'

t.test(
  'an agency installs through /oauth/install; three locations get tagged by URL; one is uninstalled',
  async (t) => {
    const sandbox = await startSandbox({ tokens: {}, oauthClients: { [CLIENT]: SECRET } })
    t.teardown(() => sandbox.close())
    const locs = sandbox.addCompanyLocations(COMPANY, 3, 'agencyLoc')
    sandbox.chooseInstall({
      userType: 'Company',
      companyId: COMPANY,
      locationIds: locs,
      installWebhook: 'after-exchange',
    })
    const contacts = locs.map((locationId, i) => sandbox.seedContact({ locationId, email: `person${i}@example.com` }))
    const storeUrl = `sqlite:${join(tempDir(t), 'agency.db')}`
    const logs = captureLogs()
    let service = await startService({ config: agencyConfig(sandbox, storeUrl), logStream: logs.stream })
    t.teardown(() => service.close())
    sandbox.setAppWebhookUrl(`${service.url}/oauth/webhook`)

    const installed = await install(service)
    t.equal(installed.status, 200)
    const answer = (await installed.json()) as { userType: string; locations: { locationId: string }[] }
    t.equal(answer.userType, 'Company')
    t.same(answer.locations.map((l) => l.locationId).sort(), [...locs].sort())
    await sandbox.appWebhooksSettled()
    t.ok(
      sandbox.appWebhooksSent.every((w) => w.outcome === 200),
      'every INSTALL webhook verified and accepted after the exchange',
    )

    for (const [i, loc] of locs.entries()) t.equal((await hook(service, loc, `person${i}@example.com`)).status, 202)
    await until(t, 'tags on the three contacts', () =>
      contacts.every((c, i) => sandbox.getContact(c.id)?.tags.includes(`at-${locs[i]!.toLowerCase()}`)),
    )
    t.ok(contacts.every((c) => sandbox.getContact(c.id)?.tags.includes('agency-lead')))

    // a restart with every access token expired: the persisted refresh tokens carry on
    await service.close()
    sandbox.expireAccessTokens()
    service = await startService({ config: agencyConfig(sandbox, storeUrl), logStream: logs.stream })
    sandbox.setAppWebhookUrl(`${service.url}/oauth/webhook`)
    for (const [i, loc] of locs.entries()) t.equal((await hook(service, loc, `person${i}@example.com`)).status, 202)
    t.equal((await hook(service, locs[0]!, 'late@example.com')).status, 202)
    sandbox.seedContact({ locationId: locs[1]!, email: 'second@example.com' })
    t.equal((await hook(service, locs[1]!, 'second@example.com')).status, 202)
    await until(t, 'a tag after the restart', () =>
      Boolean(sandbox.findByEmail(locs[1]!, 'second@example.com')?.tags.includes('agency-lead')),
    )

    await sandbox.uninstall(CLIENT, { locationId: locs[2]! })
    const refused = await hook(service, locs[2]!, 'person2@example.com')
    t.equal(refused.status, 404)
    const body = (await refused.json()) as { code: string; message: string }
    t.equal(body.code, 'TAGRELAY_LOCATION_GONE')
    t.match(body.message, /uninstalled/)
    t.equal((await hook(service, locs[0]!, 'person0@example.com')).status, 202, 'the others still accept')

    const list = await fetch(`${service.url}/admin/locations`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    const text = await list.text()
    t.notOk(/access_token|refresh|agency-app-secret/i.test(text.replace(/refreshedAt/g, '')), 'no secret in the list')
    const entries = (JSON.parse(text) as { locations: { locationId: string; origin: string; state: string }[] })
      .locations
    t.match(
      entries.find((e) => e.locationId === locs[2]),
      { origin: 'installed', state: 'removed' },
    )
    t.match(
      entries.find((e) => e.locationId === locs[0]),
      { origin: 'installed', state: 'active' },
    )
  },
)

t.test('a Location install, with the INSTALL webhook before or after the code exchange', async (t) => {
  for (const timing of ['before-redirect', 'after-exchange'] as const) {
    const sandbox = await startSandbox({ tokens: {}, oauthClients: { [CLIENT]: SECRET } })
    t.teardown(() => sandbox.close())
    const locationId = `single${timing === 'before-redirect' ? 'Before' : 'After'}00001`
    sandbox.chooseInstall({ userType: 'Location', locationId, companyId: COMPANY, installWebhook: timing })
    const contact = sandbox.seedContact({ locationId, email: 'solo@example.com' })
    const config = agencyConfig(sandbox, `sqlite:${join(tempDir(t), `${timing}.db`)}`, 'Location')
    const service = await startService({ config, logStream: captureLogs().stream })
    t.teardown(() => service.close())
    sandbox.setAppWebhookUrl(`${service.url}/oauth/webhook`)
    t.equal((await install(service)).status, 200, timing)
    await sandbox.appWebhooksSettled()
    t.ok(sandbox.appWebhooksSent.length > 0 && sandbox.appWebhooksSent.every((w) => w.outcome === 200))
    t.equal((await hook(service, locationId, 'solo@example.com')).status, 202)
    await until(t, `tag (${timing})`, () => Boolean(sandbox.getContact(contact.id)?.tags.includes('agency-lead')))
  }
})

t.test('a deactivated location: its jobs become dead letters with the reason, and it shows inactive', async (t) => {
  const sandbox = await startSandbox({ tokens: {}, oauthClients: { [CLIENT]: SECRET } })
  t.teardown(() => sandbox.close())
  const locationId = 'deactivated000000001'
  sandbox.chooseInstall({ userType: 'Location', locationId, companyId: COMPANY, installWebhook: 'none' })
  sandbox.seedContact({ locationId, email: 'gone@example.com' })
  const service = await startService({
    config: agencyConfig(sandbox, `sqlite:${join(tempDir(t), 'inactive.db')}`, 'Location'),
    logStream: captureLogs().stream,
  })
  t.teardown(() => service.close())
  t.equal((await install(service)).status, 200)
  sandbox.deactivateLocation(locationId)
  t.equal((await hook(service, locationId, 'gone@example.com')).status, 202)
  await until(t, 'a dead letter', async () => (await service.store.housekeeping.countJobs('dead')) > 0)
  const [dead] = await service.store.deadLetters.list()
  t.match(dead?.lastError, /not active/)
  const refused = await hook(service, locationId, 'gone@example.com')
  t.equal(refused.status, 404)
  t.match(await refused.json(), { code: 'TAGRELAY_LOCATION_GONE', message: /inactive/ })
})
