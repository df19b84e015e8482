import type { OAuthTokens, Store } from '../../src/store/index.js'
import { T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'

const pair = (n: number, overrides: Partial<OAuthTokens> = {}): OAuthTokens => ({
  clientId: 'client-1',
  seedHash: 'a'.repeat(64),
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresAt: T0 + 86_399_000 + n,
  updatedAt: T0 + n,
  ...overrides,
})

/** OAuth token persistence: the newest pair per location, and nothing else. */
export function oauthContract(t: Tap, fresh: (t: Tap) => Promise<Store>): void {
  t.test('oauth tokens: nothing stored yet', async (t) => {
    const store = await fresh(t)
    t.equal(await store.tokens.loadOAuthTokens('loc-a'), undefined)
  })

  t.test('oauth tokens: a save replaces the pair, per location', async (t) => {
    const store = await fresh(t)
    await store.tokens.saveOAuthTokens('loc-a', pair(1))
    await store.tokens.saveOAuthTokens('loc-b', pair(7, { clientId: 'client-2' }))
    t.same(await store.tokens.loadOAuthTokens('loc-a'), pair(1))
    await store.tokens.saveOAuthTokens('loc-a', pair(2, { seedHash: 'b'.repeat(64) }))
    t.same(await store.tokens.loadOAuthTokens('loc-a'), pair(2, { seedHash: 'b'.repeat(64) }), 'the spent pair is gone')
    t.same(await store.tokens.loadOAuthTokens('loc-b'), pair(7, { clientId: 'client-2' }), 'other locations untouched')
  })
}
