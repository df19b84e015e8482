import { join } from 'node:path'
import t, { type Test } from 'tap'
import {
  HighLevelClient,
  HighLevelOAuthRefreshError,
  HighLevelUnauthorizedError,
  OAuthAuth,
  PrivateIntegrationAuth,
  seedHash,
  type OAuthTokenStore,
} from '../../src/highlevel/index.js'
import { openStore } from '../../src/store/index.js'
import { LOC_MAIN, LOC_OTHER, sandboxFor, TOKEN_MAIN } from './fixtures/helpers.js'
import { memoryTokenStore } from './fixtures/oauth.js'

const CLIENT = 'client-1'
const SECRET = 'client-secret-9d2f'

async function setup(t: Test, sandboxOptions = {}) {
  const sandbox = await sandboxFor(t, { oauthClients: { [CLIENT]: SECRET }, ...sandboxOptions })
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  const oauthFor = (
    store: OAuthTokenStore,
    refreshToken: string,
    extra: Partial<ConstructorParameters<typeof OAuthAuth>[0]> = {},
  ) =>
    new OAuthAuth({
      locationId: LOC_MAIN,
      clientId: CLIENT,
      clientSecret: SECRET,
      refreshToken,
      refreshMarginMs: 300_000,
      userType: 'Location',
      store,
      exchange: (grant) => client.refreshAccessToken(grant),
      ...extra,
    })
  return { sandbox, client, oauthFor }
}

const tokenCalls = (s: { calls: Record<string, number> }) => s.calls['POST /oauth/token'] ?? 0

t.test('a 401 makes the OAuth auth refresh, and the call is retried once and succeeds', async (t) => {
  const { sandbox, client, oauthFor } = await setup(t)
  const store = memoryTokenStore()
  const auth = oauthFor(store, sandbox.issueRefreshToken(CLIENT, LOC_MAIN))
  const contact = sandbox.seedContact({ locationId: LOC_MAIN })
  await client.addTags(auth, contact.id, ['one'])
  t.equal(tokenCalls(sandbox), 1, 'first use fetched an access token')

  sandbox.expireAccessTokens(LOC_MAIN) // HighLevel revoked it early: our clock still says it is fresh
  t.same((await client.addTags(auth, contact.id, ['two'])).tags, ['one', 'two'])
  t.equal(tokenCalls(sandbox), 2, 'one refresh')
  t.equal(sandbox.calls['POST /contacts/:contactId/tags'], 3, 'the 401, then the retry')
  t.equal(store.saves.length, 2)
  t.not(store.saves[1]?.refreshToken, store.saves[0]?.refreshToken, 'the rotated refresh token was stored')
})

t.test('two concurrent 401s cause exactly one refresh', async (t) => {
  const { sandbox, client, oauthFor } = await setup(t, { latencyMs: 0 })
  const auth = oauthFor(memoryTokenStore(), sandbox.issueRefreshToken(CLIENT, LOC_MAIN))
  const a = sandbox.seedContact({ locationId: LOC_MAIN })
  const b = sandbox.seedContact({ locationId: LOC_MAIN })
  await client.addTags(auth, a.id, ['warm'])
  sandbox.expireAccessTokens()
  sandbox.setFaults({ latencyMs: 30 }) // both requests are in flight with the dead token together
  const results = await Promise.all([
    client.addTags(auth, a.id, ['x']),
    client.addTags(auth, b.id, ['y']),
    client.getContact(auth, a.id),
  ])
  t.same(
    results.slice(0, 2).map((r) => r.tags),
    [['warm', 'x'], ['y']],
  )
  t.equal(tokenCalls(sandbox), 2, 'the initial grant plus exactly one refresh')
})

t.test('a rotated refresh token survives a restart (real SQLite file, closed and reopened)', async (t) => {
  const { sandbox, client, oauthFor } = await setup(t)
  const url = `sqlite:${join(t.testdir({}), 'tagrelay.db')}`
  const configured = sandbox.issueRefreshToken(CLIENT, LOC_MAIN)
  const contact = sandbox.seedContact({ locationId: LOC_MAIN })

  let store = await openStore({ url })
  await client.addTags(oauthFor(store.tokens, configured), contact.id, ['before'])
  const saved = await store.tokens.loadOAuthTokens(LOC_MAIN)
  t.not(saved?.refreshToken, configured, 'the spent configured token was replaced')
  await store.close()

  store = await openStore({ url })
  t.teardown(() => store.close())
  const restarted = oauthFor(store.tokens, configured) // same config as before the restart
  await client.addTags(restarted, contact.id, ['reuse'])
  t.equal(tokenCalls(sandbox), 1, 'the stored access token was reused, no refresh')
  sandbox.expireAccessTokens()
  await client.addTags(restarted, contact.id, ['after'])
  t.equal(tokenCalls(sandbox), 2, 'refreshed with the stored token; the spent configured one would have been refused')
  t.same(sandbox.getContact(contact.id)?.tags, ['before', 'reuse', 'after'])
})

t.test('the access token is refreshed before it expires', async (t) => {
  const { sandbox, client, oauthFor } = await setup(t, { accessTokenTtlSec: 3600 })
  let now = 1_000_000
  const auth = oauthFor(memoryTokenStore(), sandbox.issueRefreshToken(CLIENT, LOC_MAIN), {
    now: () => now,
    refreshMarginMs: 60_000,
  })
  const first = await auth.accessToken()
  now += 3600_000 - 120_000
  t.equal(await auth.accessToken(), first, 'still fresh two minutes before expiry')
  now += 61_000
  t.not(await auth.accessToken(), first, 'renewed inside the margin, with no 401 needed')
  t.equal(tokenCalls(sandbox), 2)
  void client
})

t.test('the new pair is stored before the new access token is used', async (t) => {
  const { sandbox, client, oauthFor } = await setup(t)
  const failing: OAuthTokenStore = {
    loadOAuthTokens: async () => undefined,
    saveOAuthTokens: async () => Promise.reject(new Error('disk full')),
  }
  const contact = sandbox.seedContact({ locationId: LOC_MAIN })
  await t.rejects(
    client.addTags(oauthFor(failing, sandbox.issueRefreshToken(CLIENT, LOC_MAIN)), contact.id, ['x']),
    /disk full/,
  )
  t.equal(sandbox.calls['POST /contacts/:contactId/tags'], undefined, 'the unsaved token never reached the API')
})

t.test('a refused refresh is a retryable error that leaks no secret', async (t) => {
  const { sandbox, client, oauthFor } = await setup(t)
  const refresh = sandbox.issueRefreshToken(CLIENT, LOC_MAIN)
  await client.refreshAccessToken({
    clientId: CLIENT,
    clientSecret: SECRET,
    refreshToken: refresh,
    userType: 'Location',
  })
  const err = await oauthFor(memoryTokenStore(), refresh)
    .accessToken()
    .catch((e: unknown) => e)
  t.type(err, HighLevelOAuthRefreshError)
  t.match(err, {
    code: 'TAGRELAY_HL_OAUTH_REFRESH_FAILED',
    retryable: true,
    status: 400,
    message: /refresh token is invalid/,
  })
  const text = JSON.stringify({ ...(err as object), message: (err as Error).message })
  t.notOk(text.includes(refresh) || text.includes(SECRET), 'neither the refresh token nor the secret appear')
  const wrongSecret = await client
    .refreshAccessToken({ clientId: CLIENT, clientSecret: 'nope', refreshToken: refresh, userType: 'Location' })
    .catch((e: unknown) => e)
  t.match(wrongSecret, { status: 401 })
})

t.test('a stored pair from another app or grant is ignored', async (t) => {
  const { sandbox, oauthFor } = await setup(t)
  const store = memoryTokenStore()
  const fresh = { accessToken: 'stale', refreshToken: 'spent', expiresAt: Date.now() + 3600_000, updatedAt: Date.now() }
  const newGrant = sandbox.issueRefreshToken(CLIENT, LOC_MAIN)
  await store.saveOAuthTokens(LOC_MAIN, { ...fresh, clientId: 'old-app', seedHash: seedHash(newGrant) })
  t.not(await oauthFor(store, newGrant).accessToken(), 'stale', 'another client id')
  await store.saveOAuthTokens(LOC_MAIN, { ...fresh, clientId: CLIENT, seedHash: seedHash('an older grant') })
  t.not(
    await oauthFor(store, sandbox.issueRefreshToken(CLIENT, LOC_MAIN)).accessToken(),
    'stale',
    'a new refresh token in the config wins',
  )
})

t.test('several locations, each with its own credentials', async (t) => {
  const { sandbox, client } = await setup(t)
  const store = memoryTokenStore()
  const other = new OAuthAuth({
    locationId: LOC_OTHER,
    clientId: CLIENT,
    clientSecret: SECRET,
    refreshToken: sandbox.issueRefreshToken(CLIENT, LOC_OTHER),
    refreshMarginMs: 300_000,
    userType: 'Location',
    store,
    exchange: (g) => client.refreshAccessToken(g),
  })
  const pit = new PrivateIntegrationAuth(LOC_MAIN, TOKEN_MAIN)
  const mine = sandbox.seedContact({ locationId: LOC_MAIN })
  const theirs = sandbox.seedContact({ locationId: LOC_OTHER })
  await client.addTags(pit, mine.id, ['a'])
  await client.addTags(other, theirs.id, ['b'])
  await t.rejects(client.addTags(other, mine.id, ['c']), { code: 'TAGRELAY_HL_FORBIDDEN' })
  t.same(
    store.saves.map((s) => s.clientId),
    [CLIENT],
  )
  t.ok(await store.loadOAuthTokens(LOC_OTHER))
  t.equal(await store.loadOAuthTokens(LOC_MAIN), undefined)
})

t.test('a private integration token cannot refresh: its 401 stays retryable and no refresh is tried', async (t) => {
  const { sandbox, client } = await setup(t)
  const contact = sandbox.seedContact({ locationId: LOC_MAIN })
  const err = await client
    .addTags(new PrivateIntegrationAuth(LOC_MAIN, 'revoked-token'), contact.id, ['a'])
    .catch((e: unknown) => e)
  t.type(err, HighLevelUnauthorizedError)
  t.match(err, { retryable: true, status: 401 })
  t.equal(sandbox.calls['POST /contacts/:contactId/tags'], 1, 'tried once')
  t.equal(tokenCalls(sandbox), 0)
})

t.test('createLocationAuths builds one provider per configured location from the config', async (t) => {
  const { sandbox, client } = await setup(t)
  const { validateConfig } = await import('../../src/config/index.js')
  const { createLocationAuths } = await import('../../src/highlevel/index.js')
  const config = validateConfig(
    {
      highlevel: {
        baseUrl: sandbox.url,
        locations: {
          main: { locationId: LOC_MAIN, auth: { type: 'private-integration', token: TOKEN_MAIN } },
          other: {
            locationId: LOC_OTHER,
            auth: {
              type: 'oauth',
              clientId: CLIENT,
              clientSecret: SECRET,
              refreshToken: sandbox.issueRefreshToken(CLIENT, LOC_OTHER),
            },
          },
        },
      },
    },
    'test',
    { env: {} },
  )
  t.match(config.highlevel.locations.other?.auth, { userType: 'Location', refreshMarginMs: 300_000 })
  const store = memoryTokenStore()
  const auths = createLocationAuths(config.highlevel.locations, {
    store,
    exchange: (g) => client.refreshAccessToken(g),
  })
  t.same(
    [...auths].map(([name, a]) => [name, a.kind, a.locationId]),
    [
      ['main', 'private-integration', LOC_MAIN],
      ['other', 'oauth', LOC_OTHER],
    ],
  )
  const theirs = sandbox.seedContact({ locationId: LOC_OTHER })
  t.same(await client.addTags(auths.get('other')!, theirs.id, ['x']), { tags: ['x'] })
  t.equal(store.saves.length, 1)
  t.throws(
    () =>
      validateConfig(
        {
          highlevel: {
            locations: { m: { locationId: 'L', auth: { type: 'oauth', clientId: 'c', clientSecret: 's' } } },
          },
        },
        'test',
        { env: {} },
      ),
    /refreshToken/,
  )
})
