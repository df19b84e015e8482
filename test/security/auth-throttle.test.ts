import { join } from 'node:path'
import t from 'tap'
import { ADMIN_TOKEN, tempDir, testConfig } from '../helpers/build.js'
import { appOver } from './helpers.js'

const WRONG = 'wrong-token-0123456789'

t.test('sign-in and bearer guesses from one address are throttled with backoff, and counted', async (t) => {
  let now = 1_800_000_000_000
  const config = testConfig({
    storeUrl: `sqlite:${join(tempDir(t), 'throttle.db')}`,
    extra: { admin: { token: ADMIN_TOKEN } },
  })
  const { app } = await appOver(t, config, { clock: { now: () => now } })
  const signIn = (token: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/admin/session', payload: { token }, remoteAddress })
  const bearer = (token: string, remoteAddress: string) =>
    app.inject({ url: '/admin/events', headers: { authorization: `Bearer ${token}` }, remoteAddress })
  const statuses = async (n: number, call: () => Promise<{ statusCode: number }>) => {
    const out: number[] = []
    for (let i = 0; i < n; i++) out.push((await call()).statusCode)
    return out.join(' ')
  }

  t.equal(await statuses(10, () => signIn(WRONG, '10.0.0.1')), Array(10).fill(401).join(' '), '10 wrong sign-ins: 401')
  t.equal(await statuses(20, () => signIn(WRONG, '10.0.0.1')), Array(20).fill(429).join(' '), 'then held')
  const held = await signIn(ADMIN_TOKEN, '10.0.0.1')
  t.equal(held.statusCode, 429, 'while held, even the right token is not tried')
  t.match(held.json(), { code: 'TAGRELAY_ADMIN_THROTTLED' })
  t.equal(held.headers['retry-after'], '1')
  t.equal((await signIn(ADMIN_TOKEN, '10.0.0.2')).statusCode, 200, 'another address is not held')

  now += 1000
  t.equal((await signIn(WRONG, '10.0.0.1')).statusCode, 401, 'a second later one more guess is tried')
  const longer = await signIn(ADMIN_TOKEN, '10.0.0.1')
  t.equal(longer.statusCode, 429)
  t.equal(longer.headers['retry-after'], '2', 'and the hold doubles')
  now += 2000
  t.equal((await signIn(ADMIN_TOKEN, '10.0.0.1')).statusCode, 200, 'the right token once the hold is over')

  t.equal(await statuses(10, () => bearer(WRONG, '10.0.0.3')), Array(10).fill(401).join(' '), 'bearer guesses: 401')
  t.equal(await statuses(5, () => bearer(WRONG, '10.0.0.3')), Array(5).fill(429).join(' '), 'then held too')
  t.equal((await bearer(ADMIN_TOKEN, '10.0.0.4')).statusCode, 200)

  const metrics = (await app.inject({ url: '/metrics' })).body
  t.match(metrics, /tagrelay_admin_auth_failures_total\{kind="sign-in"\} 11\n/)
  t.match(metrics, /tagrelay_admin_auth_failures_total\{kind="bearer"\} 10\n/)
  t.match(metrics, /tagrelay_admin_auth_throttled_total\{kind="sign-in"\} 22\n/)
  t.match(metrics, /tagrelay_admin_auth_throttled_total\{kind="bearer"\} 5\n/)
})
