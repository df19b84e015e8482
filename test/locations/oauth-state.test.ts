import t from 'tap'
import { InstallState } from '../../src/locations/index.js'
import { openStore } from '../../src/store/index.js'

const T0 = 1_800_000_000_000

t.test(
  'a state is accepted once issued, refused when forged, altered, foreign, expired or another browser',
  async (t) => {
    const store = await openStore({ url: 'sqlite::memory:' })
    t.teardown(() => store.close())
    const state = new InstallState('client-secret-1', store.nonces)
    const { state: s, browserKey } = state.issue(T0)
    t.doesNotThrow(() => state.check(s, browserKey, T0 + 60_000))
    const refused = (value: string | undefined, now = T0, message?: RegExp, key: string | undefined = browserKey) =>
      t.throws(() => state.check(value, key, now), {
        code: 'TAGRELAY_OAUTH_STATE_INVALID',
        ...(message ? { message } : {}),
      })
    refused(undefined, T0, /missing/)
    refused('', T0, /missing/)
    refused('abc', T0, /malformed/)
    refused(`${s.split('.')[0]}.${'A'.repeat(43)}`, T0, /does not match/)
    const [body, sig] = s.split('.') as [string, string]
    const forged = Buffer.from(JSON.stringify({ n: 'x', exp: T0 + 10 ** 9 })).toString('base64url')
    refused(`${forged}.${sig}`, T0, /does not match/)
    refused(new InstallState('another-secret', store.nonces).issue(T0).state, T0, /does not match/)
    refused(s, T0 + 31 * 60_000, /expired/)
    refused(`${body}.${sig}${'x'.repeat(600)}`, T0, /malformed/)
    t.throws(() => state.check(s, undefined, T0), { message: /another browser/ }, 'no cookie')
    refused(s, T0, /another browser/, state.issue(T0).browserKey)
    t.not(state.issue(T0).state, s, 'each state is new')

    await state.take(s, browserKey, T0 + 1)
    await t.rejects(state.take(s, browserKey, T0 + 2), {
      code: 'TAGRELAY_OAUTH_STATE_INVALID',
      message: /already used/,
    })
  },
)
