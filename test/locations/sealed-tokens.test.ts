import t from 'tap'
import { SealedTokenStore } from '../../src/locations/index.js'
import { openStore, type OAuthTokens } from '../../src/store/index.js'

const pair: OAuthTokens = {
  clientId: 'c1',
  seedHash: 'h',
  accessToken: 'access-token-value-123',
  refreshToken: 'refresh-token-value-456',
  expiresAt: 2_000_000_000_000,
  updatedAt: 1_700_000_000_000,
}

t.test('sealed at rest with a key, opened only with that key and for that row', async (t) => {
  const store = await openStore({ url: 'sqlite::memory:' })
  t.teardown(() => store.close())
  const sealed = new SealedTokenStore(store.tokens, 'a-long-secret-key-0001')
  await sealed.saveOAuthTokens('loc-a', pair)
  const raw = await store.tokens.loadOAuthTokens('loc-a')
  t.notOk(JSON.stringify(raw).includes('token-value'), 'no token in the stored row')
  t.match(raw?.accessToken, /^sealed:v1:/)
  t.same(await sealed.loadOAuthTokens('loc-a'), pair)

  await t.rejects(new SealedTokenStore(store.tokens, 'another-secret-key-002').loadOAuthTokens('loc-a'), {
    code: 'TAGRELAY_TOKEN_KEY_MISMATCH',
  })
  await t.rejects(new SealedTokenStore(store.tokens, undefined).loadOAuthTokens('loc-a'), {
    code: 'TAGRELAY_TOKEN_KEY_MISMATCH',
    message: /TAGRELAY_SECRET_KEY/,
  })
  // a sealed value copied to another location's row does not open there
  await store.tokens.saveOAuthTokens('loc-b', raw!)
  await t.rejects(sealed.loadOAuthTokens('loc-b'), { code: 'TAGRELAY_TOKEN_KEY_MISMATCH' })
})

t.test('without a key values stay as they are; plain values still read once a key is set', async (t) => {
  const store = await openStore({ url: 'sqlite::memory:' })
  t.teardown(() => store.close())
  await new SealedTokenStore(store.tokens, undefined).saveOAuthTokens('loc-a', pair)
  t.same(await store.tokens.loadOAuthTokens('loc-a'), pair)
  t.same(await new SealedTokenStore(store.tokens, 'a-long-secret-key-0001').loadOAuthTokens('loc-a'), pair)
  t.equal(await new SealedTokenStore(store.tokens, 'a-long-secret-key-0001').loadOAuthTokens('none'), undefined)
})

t.test('at most N location refreshes hold a lock at once; an agency refresh inside one is not held back', async (t) => {
  const store = await openStore({ url: 'sqlite::memory:' })
  t.teardown(() => store.close())
  const sealed = new SealedTokenStore(store.tokens, undefined, 2)
  let inside = 0
  let most = 0
  const work = (key: string) =>
    sealed.withOAuthLock(key, async () => {
      most = Math.max(most, ++inside)
      // a location's mint refreshes the agency's token inside its own lock
      await sealed.withOAuthLock(`company:c-${key}`, async () => new Promise((r) => setTimeout(r, 10)))
      inside--
    })
  await Promise.all(Array.from({ length: 6 }, (_, i) => work(`loc-${i}`)))
  t.equal(most, 2)
})
