import { join } from 'node:path'
import t from 'tap'
import { startService } from '../../src/service.js'
import { startSandbox } from '../../src/sandbox/index.js'
import { captureLogs, tempDir } from '../helpers/build.js'
import { agencyConfig, CLIENT, COMPANY, install, SECRET } from '../helpers/agency.js'

t.test('start-up warns while installs keep their OAuth tokens in plain text (no TAGRELAY_SECRET_KEY)', async (t) => {
  const sandbox = await startSandbox({ tokens: {}, oauthClients: { [CLIENT]: SECRET } })
  t.teardown(() => sandbox.close())
  const locs = sandbox.addCompanyLocations(COMPANY, 2, 'plainLoc')
  sandbox.chooseInstall({ userType: 'Company', companyId: COMPANY, locationIds: locs, installWebhook: 'none' })
  const storeUrl = `sqlite:${join(tempDir(t), 'plain.db')}`
  const warnings = (logs: ReturnType<typeof captureLogs>) =>
    logs
      .lines()
      .filter((l) => l.level === 40 && /plain text/.test(String(l.msg)))
      .map((l) => String(l.msg))

  const first = captureLogs()
  let service = await startService({ config: agencyConfig(sandbox, storeUrl), logStream: first.stream })
  t.match(warnings(first), [/^highlevel\.app is set: .*plain text.*TAGRELAY_SECRET_KEY/], 'before any install')
  t.equal((await install(service)).status, 200)
  await service.close()

  const restarted = captureLogs()
  service = await startService({ config: agencyConfig(sandbox, storeUrl), logStream: restarted.stream })
  t.teardown(() => service.close())
  t.match(warnings(restarted), [/^2 installed location\(s\) or agencies keep their OAuth tokens in plain text/])

  const sealed = captureLogs()
  const config = agencyConfig(sandbox, storeUrl, 'Company', { store: { url: storeUrl, secretKey: 'k'.repeat(32) } })
  await service.close()
  service = await startService({ config, logStream: sealed.stream })
  t.same(warnings(sealed), [], 'none with a key')
})
