import { join } from 'node:path'
import t from 'tap'
import { holds } from '../helpers/until.js'
import { request } from 'undici'
import { seedHash } from '../../src/highlevel/index.js'
import { startSandbox } from '../../src/sandbox/index.js'
import { startService } from '../../src/service.js'
import { openStore } from '../../src/store/index.js'
import { ADMIN_TOKEN, captureLogs, HL_TOKEN, LOCATION_ID, tempDir, testConfig } from '../helpers/build.js'

const OAUTH_LOCATION = 'oauthLocation0000001'

t.test('a broken OAuth connection shows in /admin/locations and the metrics, not as a valid token', async (t) => {
  const sandbox = await startSandbox({ tokens: { [HL_TOKEN]: LOCATION_ID }, oauthClients: { 'client-1': 'secret-1' } })
  t.teardown(() => sandbox.close())
  const storeUrl = `sqlite:${join(tempDir(t), 'auth.db')}`
  // a stored pair that looks valid, but HighLevel knows neither its access nor its refresh token
  const store = await openStore({ url: storeUrl })
  await store.tokens.saveOAuthTokens(OAUTH_LOCATION, {
    clientId: 'client-1',
    seedHash: seedHash('configured-refresh-token'),
    accessToken: 'revoked-access-token',
    refreshToken: 'spent-refresh-token',
    expiresAt: Date.now() + 3_600_000,
    updatedAt: Date.now(),
  })
  await store.close()
  const config = testConfig({
    storeUrl,
    baseUrl: sandbox.url,
    locations: {
      crm: {
        locationId: OAUTH_LOCATION,
        auth: {
          type: 'oauth',
          clientId: 'client-1',
          clientSecret: 'secret-1',
          refreshToken: 'configured-refresh-token',
        },
      },
    },
    sources: { crm: { location: 'crm', verify: { type: 'none' } } },
    rules: [{ name: 'crm', source: 'crm', contact: { id: 'contactId' }, tags: ['x'] }],
    extra: { admin: { token: ADMIN_TOKEN } },
  })
  const service = await startService({ config, logStream: captureLogs().stream })
  t.teardown(() => service.close())
  const res = await request(`${service.url}/hooks/crm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ contactId: 'cccccccccccccccccccc' }),
  })
  t.equal(res.statusCode, 202)
  await res.body.dump()

  let crm: Record<string, unknown> | undefined
  await holds(
    async () => {
      const answer = await request(`${service.url}/admin/locations`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
      const body = (await answer.body.json()) as { locations: Record<string, unknown>[] }
      crm = body.locations.find((l) => l.name === 'crm')
      return (crm?.auth as { state?: string } | undefined)?.state?.startsWith('failing') === true
    },
    60_000,
    50,
  )
  t.match(crm, {
    paused: true,
    pausedReason: /auth failing since .*TAGRELAY_HL_OAUTH_REFRESH_FAILED/,
    auth: {
      type: 'oauth',
      state: /^failing/,
      failingSince: /^\d{4}-/,
      lastError: { code: 'TAGRELAY_HL_OAUTH_REFRESH_FAILED', message: /refused the OAuth refresh/ },
    },
  })
  for (const secret of ['secret-1', 'revoked-access-token', 'spent-refresh-token', 'configured-refresh-token'])
    t.notOk(JSON.stringify(crm).includes(secret), 'no credential in the answer')
  const metrics = await (await request(`${service.url}/metrics`)).body.text()
  t.match(metrics, /tagrelay_location_auth_failing\{location="crm"\} 1/)
})
