import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/cli.js'
import { parse } from 'yaml'
import { plainTokenWarnings, tokenBits, validateConfig } from '../../src/config/index.js'

const base = `
sources: { s: { location: main, verify: { type: none } } }
highlevel:
  locations: { main: { locationId: L, auth: { type: private-integration, token: pit-x } } }
`
const app = `
  app: { clientId: app01-x, clientSecret: app-secret-0001, redirectUrl: "https://tags.example.com/oauth/callback" }
`
const strong = randomBytes(32).toString('hex')

t.test('tagrelay check refuses admin and viewer tokens under 128 bits of estimated entropy', async (t) => {
  const dir = t.testdir({
    'weak.yaml': `${base}admin: { token: aaaaaaaaaaaaaaaa, viewerToken: "Summer2024!Summer2024!" }\n`,
    'strong.yaml': `${base}admin: { token: ${strong}, viewerToken: ${randomBytes(32).toString('base64url')} }\n`,
  })
  const weak = runCli(['check', '--config', join(dir, 'weak.yaml')])
  t.equal(weak.status, 1, 'aaaaaaaaaaaaaaaa is refused')
  t.match(weak.stderr, /admin\.token: .*about \d+ bits.*at least 128/)
  t.match(weak.stderr, /admin\.viewerToken: .*about \d+ bits/, 'and a repeated phrase as the viewer token')
  t.notMatch(weak.stderr, /Summer2024/, 'the token itself is not echoed')
  const ok = runCli(['check', '--config', join(dir, 'strong.yaml')])
  t.equal(ok.status, 0, `random tokens of 32 bytes pass (${ok.stderr})`)
})

t.test('the estimate: character classes times length, repeats counted little', async (t) => {
  t.ok(tokenBits('aaaaaaaaaaaaaaaa') < 40)
  t.ok(tokenBits('ab'.repeat(40)) < 60, 'a short cycle')
  t.ok(tokenBits('Summer2024!Summer2024!') < 128, 'a repeated phrase')
  t.equal(tokenBits('3f9a1c7e5b2d4086f1e9a3c5b7d90e2f'), 128, 'openssl rand -hex 16, without a repeat')
  t.ok(tokenBits(randomBytes(32).toString('hex')) >= 200, 'openssl rand -hex 32')
  t.ok(tokenBits('m2Vq9xL0cT7eRk4ZbW1yHs8P') >= 128, 'openssl rand -base64 18')
  t.ok(tokenBits('adm-9d2e7f41c3b84a6e') < 128, '20 characters of mixed classes')
})

t.test('tagrelay check warns when installs would keep tokens in plain text; requireSecretKey refuses', async (t) => {
  const dir = t.testdir({ 'app.yaml': `${base}${app}` })
  const plain = runCli(['check', '--config', join(dir, 'app.yaml')])
  t.equal(plain.status, 0)
  t.match(plain.stderr, /warning: highlevel\.app is set: .*plain text.*TAGRELAY_SECRET_KEY/)
  const config = (store: Record<string, unknown>) =>
    validateConfig({ ...(parse(`${base}${app}`) as object), store }, 'c.yaml', { env: {} })
  t.same(plainTokenWarnings(config({ secretKey: strong })), [], 'no warning with a key')
  t.match(plainTokenWarnings(config({}), 3), [/^3 installed location\(s\) .*plain text/], 'at start, with installs')
  t.throws(() => config({ requireSecretKey: true }), {
    message: /store\.requireSecretKey is true but TAGRELAY_SECRET_KEY/,
  })
  t.ok(config({ requireSecretKey: true, secretKey: strong }))
})
