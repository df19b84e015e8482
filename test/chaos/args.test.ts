import { spawnSync } from 'node:child_process'
import t from 'tap'
import { ChaosUsageError, parseChaosArgs } from '../../scripts/chaos/args.js'
import { childEnv, repoRoot } from '../helpers/cli.js'

const PG = 'postgres://postgres@127.0.0.1:5432/test'

t.test('crash and faults with their defaults and options', async (t) => {
  t.match(parseChaosArgs(['crash'], {}), { command: 'crash', kills: 20, store: 'sqlite', ratePerSec: 40, seed: Number })
  t.same(
    parseChaosArgs(
      ['crash', '--kills', '3', '--store', 'postgres', '--seed', '42', '--rate', '10', '--lease-ms', '1000'],
      {
        TEST_DATABASE_URL: PG,
      },
    ),
    {
      command: 'crash',
      kills: 3,
      store: 'postgres',
      databaseUrl: PG,
      seed: 42,
      ratePerSec: 10,
      leaseMs: 1000,
    },
  )
  t.match(parseChaosArgs(['crash'], {}), { leaseMs: 30_000 }, 'the service default lease')
  t.match(parseChaosArgs(['model', '--kills', '3'], {}), {
    command: 'model',
    kills: 3,
    leaseMs: 30_000,
    scenarios: 200,
  })
  t.match(parseChaosArgs(['model'], {}), { kills: 0 })
  t.throws(() => parseChaosArgs(['model', '--lease-ms', '5'], {}), /--lease-ms must be a whole number from 1000/)
  t.equal(
    parseChaosArgs(['crash', '--store', 'postgres'], { TEST_DATABASE_URL: 'x', CHAOS_DATABASE_URL: PG }).databaseUrl,
    PG,
    'CHAOS_DATABASE_URL first',
  )
  t.equal(parseChaosArgs(['crash'], { CHAOS_SEED: '7' }).seed, 7, 'CHAOS_SEED replays a run')
  t.equal(parseChaosArgs(['crash', '--seed', '8'], { CHAOS_SEED: '7' }).seed, 8, '--seed wins')
  t.match(parseChaosArgs(['faults'], {}), { command: 'faults', driveMs: 12_000, outageMs: 3000, store: 'sqlite' })
  t.match(parseChaosArgs(['faults', '--drive-ms', '5000', '--outage-ms', '1000'], {}), {
    driveMs: 5000,
    outageMs: 1000,
  })
})

t.test('every bad input is a usage error naming what is wrong', async (t) => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [[], {}, /a command is required/],
    [['explode'], {}, /unknown command "explode"/],
    [['crash', '--kills'], {}, /crash: Option '--kills <value>' argument missing/],
    [['crash', '--kills', '0'], {}, /--kills must be a whole number from 1 to 1000, got "0"/],
    [['crash', '--kills', '2.5'], {}, /--kills must be a whole number/],
    [['crash', '--kills', 'many'], {}, /--kills must be a whole number/],
    [['crash', '--outage-ms', '5'], {}, /Unknown option '--outage-ms'/],
    [['faults', '--kills', '5'], {}, /Unknown option '--kills'/],
    [['crash', 'extra'], {}, /Unexpected argument 'extra'/],
    [['crash', '--store', 'mysql'], {}, /--store must be sqlite or postgres, got "mysql"/],
    [['crash', '--store', 'postgres'], {}, /--store postgres needs CHAOS_DATABASE_URL or TEST_DATABASE_URL/],
    [['crash'], { CHAOS_SEED: '-1' }, /CHAOS_SEED must be a whole number/],
    [
      ['faults', '--drive-ms', '3000', '--outage-ms', '3000'],
      {},
      /--outage-ms \(3000\) must be shorter than --drive-ms \(3000\)/,
    ],
    [['faults', '--rate', '0'], {}, /--rate must be a whole number from 1/],
  ]
  for (const [argv, env, message] of cases)
    t.throws(() => parseChaosArgs(argv, env), { constructor: ChaosUsageError, message }, argv.join(' ') || '(nothing)')
})

t.test('npm run chaos with bad arguments exits 2 with the usage', async (t) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/chaos.ts', 'crash', '--kills', 'lots'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: childEnv(),
    timeout: 30_000,
  })
  t.equal(run.status, 2)
  t.match(run.stderr, /chaos: --kills must be a whole number from 1 to 1000, got "lots"/)
  t.match(run.stderr, /usage: npm run chaos -- <command>/)
  t.equal(run.stdout, '')
})

t.test('a seed replays the same schedule', async (t) => {
  const { between, seededRandom } = await import('../../scripts/chaos/random.js')
  const a = seededRandom(42)
  const b = seededRandom(42)
  const first = Array.from({ length: 5 }, () => between(a, 300, 2500))
  t.same(
    Array.from({ length: 5 }, () => between(b, 300, 2500)),
    first,
  )
  t.ok(first.every((n) => Number.isInteger(n) && n >= 300 && n <= 2500))
  t.not(between(seededRandom(43), 0, 1e9), between(seededRandom(42), 0, 1e9), 'another seed, another schedule')
})
