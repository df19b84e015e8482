import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/cli.js'

const LOCATION =
  'highlevel: { locations: { main: { locationId: L1, auth: { type: private-integration, token: "${HL_TOKEN_MAIN}" } } } }'

t.test('migrate and replay need no sender or HighLevel secret, and use the store section', async (t) => {
  const dir = t.testdir({
    'c.yaml': `${LOCATION}
store: { url: "sqlite:${t.testdirName}/from-config.db", sqlite: { synchronous: NORMAL } }
sources: { stripe: { location: main, verify: { type: stripe, secret: "\${STRIPE_SECRET}" } } }
`,
  })
  const migrate = runCli(['migrate', '-c', join(dir, 'c.yaml')])
  t.equal(migrate.status, 0, migrate.stderr)
  t.match(migrate.stdout, 'migrations applied (sqlite)')
  t.ok(existsSync(join(dir, 'from-config.db')), "the store is the config's, not a default")
  const replay = runCli(['replay', '-c', join(dir, 'c.yaml')])
  t.equal(replay.status, 0, replay.stderr)
  t.match(replay.stdout, 'no dead letters')
  t.notMatch(replay.stderr, /not set/)
})

t.test('a store-only command still needs the variables of the store section, and checks it', async (t) => {
  const dir = t.testdir({
    'unset.yaml': `store: { url: "\${DB_URL}" }\n${LOCATION}\n`,
    'bad.yaml': `store: { url: "mysql://x", colour: blue }\n`,
    'plain.yaml': `store: { url: "sqlite:${t.testdirName}/never.db" }\n`,
  })
  const unset = runCli(['migrate', '-c', join(dir, 'unset.yaml')])
  t.equal(unset.status, 1)
  t.match(unset.stderr, 'store.url: environment variable DB_URL is not set')
  t.notMatch(unset.stderr, 'HL_TOKEN_MAIN', 'only the store section is read')
  const bad = runCli(['replay', '-c', join(dir, 'bad.yaml')])
  t.equal(bad.status, 1)
  t.match(bad.stderr, 'store.url: unsupported scheme "mysql:"')
  t.match(
    bad.stderr,
    'store: unknown key "colour" (valid: url, migrate, secretKey, requireSecretKey, retention, sqlite, postgres)',
  )
  const fromEnv = runCli(['migrate', '-c', join(dir, 'plain.yaml')], {
    TAGRELAY_STORE_URL: `sqlite:${join(dir, 'env.db')}`,
  })
  t.equal(fromEnv.status, 0, 'TAGRELAY_STORE_URL overrides store.url, as for serve')
  t.ok(existsSync(join(dir, 'env.db')))
  t.notOk(existsSync(join(dir, 'never.db')))
})

t.test(
  'TAGRELAY_ENV_FILE: its variables reach the config; variables already set win; a missing file is fine',
  async (t) => {
    const dir = t.testdir({
      'c.yaml': `${LOCATION}\nstore: { url: "\${DB_URL}" }\n`,
      '.env': 'HL_TOKEN_MAIN=pit-from-file\n# a comment\nDB_URL=mysql://from-the-file\n',
    })
    const envFile = join(dir, '.env')
    const fromFile = runCli(['check', '-c', join(dir, 'c.yaml')], { TAGRELAY_ENV_FILE: envFile })
    t.equal(fromFile.status, 1)
    t.match(fromFile.stderr, 'store.url: unsupported scheme "mysql:"', "the file's DB_URL was used")
    t.notMatch(fromFile.stderr, 'not set', "the file's HL_TOKEN_MAIN was used")
    const set = runCli(['check', '-c', join(dir, 'c.yaml')], { TAGRELAY_ENV_FILE: envFile, DB_URL: 'sqlite::memory:' })
    t.equal(set.status, 0, `the variable set in the environment wins over the file (${set.stderr})`)
    const missing = runCli(['check', '-c', join(dir, 'c.yaml')], { TAGRELAY_ENV_FILE: join(dir, 'none.env') })
    t.equal(missing.status, 1)
    t.match(missing.stderr, 'environment variable HL_TOKEN_MAIN is not set', 'no file: only the variables are missing')
  },
)
