import t from 'tap'
import { startSandbox } from '../../src/sandbox/index.js'
import { startService } from '../../src/service.js'
import { captureLogs } from '../helpers/build.js'
import { agencyConfig, CLIENT, COMPANY, hook, install, SECRET, until } from '../helpers/agency.js'
import { freshSchema, postgresForTests } from '../store/helpers/postgres.js'

const url = await postgresForTests(t)

/**
 * Two replicas on one PostgreSQL schema: one takes the install, the other serves its
 * locations at once (it reads them from the store on the first request that names
 * them). Then every access token expires and both replicas get events for the same
 * locations at the same moment: each refresh token must be spent once (the advisory
 * lock and the re-read inside it), or the sandbox refuses the second use and a job
 * fails on it (or, for a location of the agency, a new token is minted: counted too).
 */
if (url) {
  t.test('two replicas share installed locations and never spend a refresh token twice', async (t) => {
    const schema = freshSchema(t, url)
    const sandbox = await startSandbox({ tokens: {}, oauthClients: { [CLIENT]: SECRET } })
    t.teardown(() => sandbox.close())
    const locs = sandbox.addCompanyLocations(COMPANY, 3, 'replicaLoc')
    sandbox.chooseInstall({ userType: 'Company', companyId: COMPANY, locationIds: locs, installWebhook: 'none' })
    const config = agencyConfig(sandbox, url, 'Company', {
      store: { url, postgres: { schema, poolSize: 4 } },
    })
    const logs = captureLogs()
    const a = await startService({ config, logStream: logs.stream })
    t.teardown(() => a.close())
    const b = await startService({ config, logStream: logs.stream })
    t.teardown(() => b.close())

    t.equal((await install(a)).status, 200, 'installed through replica A')
    const emails = locs.map((_, i) => `r${i}@example.com`)
    const contacts = locs.map((locationId, i) => sandbox.seedContact({ locationId, email: emails[i] }))
    for (const [i, loc] of locs.entries()) t.equal((await hook(b, loc, emails[i]!)).status, 202, 'B knows it')
    await until(t, 'first tags', () => contacts.every((c) => sandbox.getContact(c.id)?.tags.includes('agency-lead')))

    t.equal(sandbox.calls['POST /oauth/locationToken'], 3, 'each location token minted once')
    sandbox.resetCalls()
    for (let round = 0; round < 3; round++) {
      sandbox.expireAccessTokens()
      const sends = locs.flatMap((loc, i) => [hook(a, loc, emails[i]!), hook(b, loc, emails[i]!)])
      t.ok((await Promise.all(sends)).every((r) => r.status === 202))
      await until(t, `round ${round} delivered`, async () => (await a.store.housekeeping.countJobs('pending')) === 0)
    }
    // one refresh per location per round, whichever replica did it
    t.equal(sandbox.calls['POST /oauth/token'], 3 * locs.length, 'one refresh per location per round')
    // and the sharpest race: both replicas refresh the same refused token at the same moment
    sandbox.expireAccessTokens()
    for (const loc of locs) {
      const [authA, authB] = [a.locations.get(loc)!, b.locations.get(loc)!]
      const rejectedToken = await authA.accessToken()
      await Promise.all([
        authA.refresh!({ reason: 'unauthorized', rejectedToken }),
        authB.refresh!({ reason: 'unauthorized', rejectedToken }),
      ])
    }
    t.equal(await a.store.housekeeping.countJobs('dead'), 0, 'no job failed')
    const refusals = logs
      .lines()
      .filter((l) => /TAGRELAY_HL_OAUTH_REFRESH_FAILED|invalid_grant/.test(JSON.stringify(l)))
    t.same(refusals, [], 'no refresh refused: no refresh token was spent twice')
    // at most one more per location in the race: none when A's token in memory was already
    // replaced by B's last refresh (the re-read inside the lock finds the newer one and calls
    // nothing); never two, and no mint to paper over a spent token
    const race = (sandbox.calls['POST /oauth/token'] ?? 0) - 3 * locs.length
    t.ok(race >= 0 && race <= locs.length, `${race} refreshes in the race, at most one per location`)
    t.equal(sandbox.calls['POST /oauth/locationToken'] ?? 0, 0)
  })
}
