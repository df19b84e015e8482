import t from 'tap'
import { InstallState } from '../../src/locations/index.js'

const T0 = 1_800_000_000_000

t.test('a state is accepted once issued, refused when forged, altered, foreign or expired', async (t) => {
  const state = new InstallState('client-secret-1')
  const s = state.issue(T0)
  t.doesNotThrow(() => state.check(s, T0 + 60_000))
  const refused = (value: string | undefined, now = T0, message?: RegExp) =>
    t.throws(() => state.check(value, now), { code: 'TAGRELAY_OAUTH_STATE_INVALID', ...(message ? { message } : {}) })
  refused(undefined, T0, /missing/)
  refused('', T0, /missing/)
  refused('abc', T0, /malformed/)
  refused(`${s.split('.')[0]}.${'A'.repeat(43)}`, T0, /does not match/)
  const [body, sig] = s.split('.') as [string, string]
  const forged = Buffer.from(JSON.stringify({ n: 'x', exp: T0 + 10 ** 9 })).toString('base64url')
  refused(`${forged}.${sig}`, T0, /does not match/)
  refused(new InstallState('another-secret').issue(T0), T0, /does not match/)
  refused(s, T0 + 31 * 60_000, /expired/)
  refused(`${body}.${sig}${'x'.repeat(600)}`, T0, /malformed/)
  t.not(state.issue(T0), s, 'each state is new')
})
