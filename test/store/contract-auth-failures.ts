import type { Store } from '../../src/store/index.js'
import { T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'

/** Failing credentials per location: the start of a run is kept until a call succeeds. */
export function authFailuresContract(t: Tap, fresh: (t: Tap) => Promise<Store>): void {
  t.test('auth failures: a run keeps its start, takes the last error, ends on clear', async (t) => {
    const { authFailures } = await fresh(t)
    t.same(await authFailures.list(), [])
    await authFailures.record({
      locationId: 'locB',
      failingSince: T0 + 5,
      lastCode: 'TAGRELAY_HL_FORBIDDEN',
      lastMessage: 'no',
    })
    await authFailures.record({
      locationId: 'locA',
      failingSince: T0,
      lastCode: 'TAGRELAY_HL_UNAUTHORIZED',
      lastMessage: '401',
    })
    await authFailures.record({
      locationId: 'locA',
      failingSince: T0 + 60_000,
      lastCode: 'TAGRELAY_HL_OAUTH_REFRESH_FAILED',
      lastMessage: 'refresh refused',
    })
    t.same(
      await authFailures.list(),
      [
        {
          locationId: 'locA',
          failingSince: T0,
          lastCode: 'TAGRELAY_HL_OAUTH_REFRESH_FAILED',
          lastMessage: 'refresh refused',
        },
        { locationId: 'locB', failingSince: T0 + 5, lastCode: 'TAGRELAY_HL_FORBIDDEN', lastMessage: 'no' },
      ],
      'the run of locA started at its first failure; the error is the latest; oldest run first',
    )
    await authFailures.clear('locA')
    await authFailures.clear('unknown')
    t.same(
      (await authFailures.list()).map((f) => f.locationId),
      ['locB'],
    )
    await authFailures.record({
      locationId: 'locA',
      failingSince: T0 + 90_000,
      lastCode: 'TAGRELAY_HL_UNAUTHORIZED',
      lastMessage: 'again',
    })
    t.equal((await authFailures.list())[1]?.failingSince, T0 + 90_000, 'after a success a new run starts anew')
  })

  t.test('auth failures: a long message is cut, an epoch-ms time round-trips as a number', async (t) => {
    const { authFailures } = await fresh(t)
    const at = 4_102_444_800_123 // 2100: beyond 32 bits
    await authFailures.record({
      locationId: 'locA',
      failingSince: at,
      lastCode: 'TAGRELAY_HL_UNAUTHORIZED',
      lastMessage: 'x'.repeat(5_000),
    })
    const [row] = await authFailures.list()
    t.equal(row?.failingSince, at)
    t.equal(row?.lastMessage.length, 1_000)
  })
}
