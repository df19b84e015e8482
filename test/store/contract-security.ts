import type { Store } from '../../src/store/index.js'
import { T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'

/** Console sessions and used one-time values: what every replica must see alike. */
export function securityContract(t: Tap, fresh: (t: Tap) => Promise<Store>): void {
  t.test('sessions: opened, read back, revoked once, expired ones dropped at the next sign-in', async (t) => {
    const { sessions } = await fresh(t)
    t.equal(await sessions.get('s1'), undefined)
    await sessions.open({ id: 's1', role: 'admin', createdAt: T0, expiresAt: T0 + 1000 })
    await sessions.open({ id: 's2', role: 'viewer', createdAt: T0, expiresAt: T0 + 5000 })
    t.same(await sessions.get('s1'), {
      id: 's1',
      role: 'admin',
      createdAt: T0,
      expiresAt: T0 + 1000,
      revokedAt: null,
      scope: { kind: 'all' },
      via: null,
    })
    await sessions.revoke('s2', T0 + 10)
    await sessions.revoke('s2', T0 + 20)
    await sessions.revoke('unknown', T0 + 20)
    t.equal((await sessions.get('s2'))?.revokedAt, T0 + 10, 'the first sign-out is the one kept')
    await sessions.open({ id: 's3', role: 'admin', createdAt: T0 + 2000, expiresAt: T0 + 9000 })
    t.equal(await sessions.get('s1'), undefined, 'expired before the new sign-in: dropped')
    t.ok(await sessions.get('s2'), 'a revoked session is kept until its expiry')
    await t.rejects(sessions.open({ id: 's3', role: 'admin', createdAt: T0, expiresAt: T0 + 1 }), 'ids are unique')
  })

  t.test('nonces: used once per kind, again only once expired', async (t) => {
    const { nonces } = await fresh(t)
    t.equal(await nonces.use('oauth-state', 'n1', T0 + 100, T0), true)
    t.equal(await nonces.use('oauth-state', 'n1', T0 + 100, T0 + 50), false, 'a replay')
    t.equal(await nonces.use('app-webhook', 'n1', T0 + 100, T0 + 50), true, 'kinds are apart')
    t.equal(await nonces.use('oauth-state', 'n1', T0 + 300, T0 + 100), true, 'expired: forgotten')
    await nonces.release('app-webhook', 'n1')
    t.equal(await nonces.use('app-webhook', 'n1', T0 + 100, T0 + 60), true, 'released: usable again')
    const both = await Promise.all([1, 2, 3].map(() => nonces.use('race', 'n2', T0 + 500, T0 + 100)))
    t.same(both.filter(Boolean).length, 1, 'of uses at once, exactly one wins')
  })
}
