import t from 'tap'
import type { RateLimitInfo } from '../../../src/highlevel/index.js'
import { ADMIN_TOKEN, build, HL_TOKEN, LOCATION_ID, SOURCE_TOKEN } from '../../helpers/build.js'

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }
const second = {
  locationId: 'oauthLoc0001',
  auth: { type: 'oauth', clientId: 'client-1', clientSecret: 'client-secret-xyz', refreshToken: 'refresh-seed-abc' },
}
const budget = (over: Partial<RateLimitInfo>): RateLimitInfo => ({
  max: 100,
  remaining: 60,
  intervalMs: 10_000,
  dailyLimit: 200_000,
  dailyRemaining: 150_000,
  ...over,
})

t.test('GET /admin/locations needs the admin token', async (t) => {
  const { app } = await build(t, { extra: { admin: { token: ADMIN_TOKEN } } })
  t.equal((await app.inject({ url: '/admin/locations' })).statusCode, 401)
  t.equal(
    (await app.inject({ url: '/admin/locations', headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } })).statusCode,
    401,
  )
  t.equal((await app.inject({ url: '/admin/locations', headers: auth })).statusCode, 200)
})

t.test('per location: queue, budget, auth state without secrets', async (t) => {
  const rate = budget({})
  const { app, store } = await build(t, {
    extra: { admin: { token: ADMIN_TOKEN } },
    locations: { second },
    rateLimits: { lastRateLimit: (id) => (id === LOCATION_ID ? rate : null) },
  })
  const res = await app.inject({
    method: 'POST',
    url: '/hooks/forms',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
    payload: { type: 'signup', email: 'a@example.com' },
  })
  t.equal(res.statusCode, 202)

  const before = (await app.inject({ url: '/admin/locations', headers: auth })).json()
  t.match(before.locations[1], {
    name: 'second',
    auth: { type: 'oauth', state: /no token yet/, accessTokenExpiresAt: null },
  })

  await store.tokens.saveOAuthTokens('oauthLoc0001', {
    clientId: 'client-1',
    seedHash: 'x',
    accessToken: 'access-secret-1',
    refreshToken: 'refresh-secret-2',
    expiresAt: Date.now() + 3_600_000,
    updatedAt: Date.now(),
  })
  const answer = await app.inject({ url: '/admin/locations', headers: auth })
  for (const secret of [HL_TOKEN, 'client-secret-xyz', 'refresh-seed-abc', 'access-secret-1', 'refresh-secret-2'])
    t.notOk(answer.body.includes(secret), 'no credential in the answer')
  const { locations } = answer.json()
  t.match(locations[0], {
    name: 'main',
    locationId: LOCATION_ID,
    paused: false,
    pausedReason: null,
    rateLimit: rate,
    queue: { pending: 1, dead: 0 },
    auth: { type: 'private-integration' },
  })
  t.type(locations[0].queue.oldestPendingAt, 'string')
  t.match(locations[1], {
    name: 'second',
    rateLimit: null,
    queue: { pending: 0, dead: 0, oldestPendingAt: null },
    auth: { type: 'oauth', state: 'access token valid' },
  })
  t.type(locations[1].auth.accessTokenExpiresAt, 'string')
})

t.test('a spent rate budget shows as paused, with the reason', async (t) => {
  for (const [over, reason] of [
    [{ remaining: 0 }, /burst window/],
    [{ dailyRemaining: 0 }, /daily/],
  ] as const) {
    const { app } = await build(t, {
      extra: { admin: { token: ADMIN_TOKEN } },
      rateLimits: { lastRateLimit: () => budget(over) },
    })
    const { locations } = (await app.inject({ url: '/admin/locations', headers: auth })).json()
    t.match(locations[0], { paused: true, pausedReason: reason })
  }
  const { app } = await build(t, { extra: { admin: { token: ADMIN_TOKEN } }, delivery: { enabled: false } })
  const { locations } = (await app.inject({ url: '/admin/locations', headers: auth })).json()
  t.match(locations[0], { paused: true, pausedReason: /delivery.enabled is false/ })
})

t.test('a location that refused Search Contacts says it looks people up one by one', async (t) => {
  const { app } = await build(t, {
    extra: { admin: { token: ADMIN_TOKEN } },
    pauses: { locations: () => [], searchRefused: () => [LOCATION_ID] },
  })
  const res = await app.inject({ url: '/admin/locations', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  const [main] = (res.json() as { locations: Array<{ lookups: string }> }).locations
  t.match(main?.lookups, /duplicate search per person \(Search Contacts was refused/)
})
