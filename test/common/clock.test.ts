import { spawnSync } from 'node:child_process'
import t from 'tap'
import { childEnv, repoRoot } from '../helpers/cli.js'
import { systemClock } from '../../src/common/clock.js'
import { ManualClock } from '../helpers/manual-clock.js'

t.test('a manual clock wakes sleepers in time order, only when advanced', async (t) => {
  const clock = new ManualClock(1_000)
  const woke: string[] = []
  void clock.sleep(300).then(() => woke.push(`b@${clock.now()}`))
  void clock.sleep(100).then(() => woke.push(`a@${clock.now()}`))
  await clock.advance(99)
  t.same(woke, [], 'nothing wakes before its time')
  await clock.advance(201)
  t.same(woke, ['a@1100', 'b@1300'])
  t.equal(clock.now(), 1_300)
})

t.test('a loop that sleeps again sees every step of one advance', async (t) => {
  const clock = new ManualClock(0)
  const ticks: number[] = []
  const loop = (async () => {
    for (let i = 0; i < 3; i++) {
      await clock.sleep(10)
      ticks.push(clock.now())
    }
  })()
  await clock.advance(100)
  await loop
  t.same(ticks, [10, 20, 30])
})

t.test('an aborted sleep rejects and leaves the clock', async (t) => {
  const clock = new ManualClock(0)
  const ac = new AbortController()
  const sleeping = clock.sleep(1_000, ac.signal)
  await clock.untilSleeping()
  ac.abort(new Error('stopped'))
  await t.rejects(sleeping, /stopped/)
  t.equal(clock.sleeping, 0)
  await t.rejects(clock.sleep(1, ac.signal), /stopped/, 'an already aborted signal rejects at once')
})

t.test('the system clock sleeps and can be aborted', async (t) => {
  const before = systemClock.now()
  await systemClock.sleep(1)
  t.ok(systemClock.now() >= before)
  const ac = new AbortController()
  const p = systemClock.sleep(60_000, ac.signal)
  ac.abort()
  await t.rejects(p)
})

t.test('an unref sleep of the system clock does not keep the process alive', async (t) => {
  const script = `const { systemClock } = await import('./src/common/clock.ts')
systemClock.sleep(60_000, undefined, { unref: true }).then(() => console.log('woke'))
console.log('waiting')`
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: childEnv(),
    timeout: 30_000,
  })
  t.equal(child.status, 0, child.stderr)
  t.equal(child.stdout, 'waiting\n', 'the process ended with the minute still to go')
})
