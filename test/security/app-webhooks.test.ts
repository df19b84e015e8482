import { generateKeyPairSync, randomUUID, sign } from 'node:crypto'
import { join } from 'node:path'
import t from 'tap'
import { startService } from '../../src/service.js'
import { startSandbox } from '../../src/sandbox/index.js'
import { captureLogs, LOCATION_ID, tempDir } from '../helpers/build.js'
import { agencyConfig, CLIENT, COMPANY, install, SECRET } from '../helpers/agency.js'

const APP_ID = CLIENT.split('-')[0]!

t.test('app webhooks act only for this app, on what it installed, once; never on a YAML location', async (t) => {
  // the test holds HighLevel's signing key: every body below is validly signed
  const { privateKey } = generateKeyPairSync('ed25519')
  const sandbox = await startSandbox({ tokens: {}, oauthClients: { [CLIENT]: SECRET }, webhookSigningKey: privateKey })
  t.teardown(() => sandbox.close())
  const [a1, a2] = sandbox.addCompanyLocations(COMPANY, 2, 'agencyA')
  sandbox.chooseInstall({ userType: 'Company', companyId: COMPANY, locationIds: [a1!, a2!], installWebhook: 'none' })
  const config = agencyConfig(sandbox, `sqlite:${join(tempDir(t), 'app-webhooks.db')}`, 'Company', {
    delivery: { enabled: false },
  })
  const service = await startService({ config, logStream: captureLogs().stream })
  t.teardown(() => service.close())
  t.equal((await install(service)).status, 200)
  const yamlJob = await fetch(`${service.url}/hooks/agency/main`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'yaml@example.com' }),
  })
  t.equal(yamlJob.status, 202, 'a pending job on the YAML location')

  const send = async (body: Record<string, unknown>, raw?: Buffer) => {
    const bytes =
      raw ?? Buffer.from(JSON.stringify({ timestamp: new Date().toISOString(), webhookId: randomUUID(), ...body }))
    const res = await fetch(`${service.url}/oauth/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-ghl-signature': sign(null, bytes, privateKey).toString('base64'),
      },
      body: bytes,
    })
    return { status: res.status, body: (await res.json()) as { handled?: string; code?: string }, bytes }
  }
  const state = async (id: string) => (await service.store.directory.getLocation(id))?.state

  const noApp = await send({ type: 'UNINSTALL', locationId: a1, companyId: COMPANY })
  t.equal(noApp.status, 400, 'no appId: refused')
  t.equal(await state(a1!), 'active')
  const otherApp = await send({ type: 'UNINSTALL', appId: 'someoneelse', locationId: a1 })
  t.equal(otherApp.status, 400, 'another app: refused')
  const otherCompany = await send({ type: 'UNINSTALL', appId: APP_ID, locationId: a1, companyId: 'agencyB00000000001' })
  t.match(otherCompany.body, { handled: /ignored/ })
  t.equal(await state(a1!), 'active', "another company's UNINSTALL leaves agency A's location")
  const foreignCompany = await send({ type: 'UNINSTALL', appId: APP_ID, companyId: 'agencyB00000000001' })
  t.match(foreignCompany.body, { handled: /ignored/ })

  for (const yaml of ['main', LOCATION_ID]) {
    const res = await send({ type: 'UNINSTALL', appId: APP_ID, locationId: yaml })
    t.match(res.body, { handled: /ignored/ }, `UNINSTALL naming the YAML location (${yaml})`)
  }
  t.equal(await service.store.housekeeping.countJobs('pending'), 1, "the YAML location's job is still pending")
  t.equal(await service.store.housekeeping.countJobs('dead'), 0)

  const stranger = await send({ type: 'INSTALL', appId: APP_ID, companyId: 'unknownCompany0001', locationId: 'x0001' })
  t.match(stranger.body, { handled: /ignored/ })
  t.equal(await service.store.directory.getLocation('x0001'), undefined, 'an unknown company registers nothing')
  t.notOk(
    service.locations.list().some((l) => l.locationId === 'x0001'),
    'nor does it appear in the registry',
  )

  const real = await send({ type: 'UNINSTALL', appId: APP_ID, locationId: a2, companyId: COMPANY })
  t.match(real.body, { handled: 'uninstalled' })
  t.equal(await state(a2!), 'removed', "the agency's own UNINSTALL acts")
  const before = await service.store.directory.getLocation(a2!)
  const replay = await send({}, real.bytes)
  t.equal(replay.status, 200, 'a replay is acknowledged')
  t.match(replay.body, { handled: /duplicate/ })
  t.same(await service.store.directory.getLocation(a2!), before, 'and changes nothing')
})
