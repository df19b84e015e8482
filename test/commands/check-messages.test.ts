import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/cli.js'

const LOCATION =
  'highlevel: { locations: { main: { locationId: L1, auth: { type: private-integration, token: "${HL_TOKEN_MAIN}" } } } }'

t.test('check reports unset variables and rule errors in one run', async (t) => {
  const dir = t.testdir({
    'c.yaml': `${LOCATION}
sources: { s: { location: main, verify: { type: token, token: "\${S_TOKEN}" } } }
rules:
  - { name: a, source: s, when: { field: x, greater_than_or_equal: 5 }, contact: { email: e }, tags: [a] }
  - { name: b, source: nowhere, contact: { email: e }, tags: [b] }
`,
  })
  const r = runCli(['check', '-c', join(dir, 'c.yaml')])
  t.equal(r.status, 1)
  t.match(r.stderr, 'highlevel.locations.main.auth.token: environment variable HL_TOKEN_MAIN is not set')
  t.match(r.stderr, 'sources.s.verify.token: environment variable S_TOKEN is not set')
  t.match(r.stderr, 'rules.0.when: rule "a": unknown operator "greater_than_or_equal" (valid: equals, not_equals,')
  t.match(r.stderr, 'rules.1.source: rule "b": unknown source "nowhere"')
  t.notMatch(r.stderr, /at least 16 characters/, 'no echo of the unset token as a too-short one')
})

t.test('errors name the valid choices in plain words', async (t) => {
  const dir = t.testdir({
    'c.yaml': `highlevel: { locations: { main: { locationId: L1, auth: { type: pit, token: x } } } }
sources: { s: { location: main, verify: { type: tokn } } }
store: { sqlite: { synchronous: OFF } }
`,
  })
  const r = runCli(['check', '-c', join(dir, 'c.yaml')])
  t.equal(r.status, 1)
  t.match(r.stderr, 'highlevel.locations.main.auth.type: unknown type "pit" (valid: private-integration, oauth)')
  t.match(r.stderr, 'sources.s.verify.type: unknown type "tokn" (valid: token, none, hmac, standard-webhooks, stripe,')
  t.match(r.stderr, 'store.sqlite.synchronous: "OFF" is not valid (valid: FULL, NORMAL)')
  t.notMatch(r.stderr, /Invalid discriminator|Invalid input|Invalid option/, 'no library wording')
})

t.test('a YAML syntax error shows the line and a caret under the column', async (t) => {
  const dir = t.testdir({ 'c.yaml': 'server:\n  port: 8080\n  host: [a, b\nstore: {}\n' })
  const r = runCli(['check', '-c', join(dir, 'c.yaml')])
  t.equal(r.status, 1)
  t.match(r.stderr, /c\.yaml:\d+:\d+: [A-Z][^\n]*\n {6}\S[^\n]*\n {6} *\^\n?/)
  t.notMatch(r.stderr, /column \d+:\n/, 'no message ending in a bare colon')
})

t.test('a missing config file: a clear message, exit 1', async (t) => {
  const r = runCli(['serve', '-c', join(t.testdirName, 'nope.yaml')])
  t.equal(r.status, 1)
  t.match(r.stderr, /cannot read .*nope\.yaml: ENOENT: no such file \(pass --config FILE or set TAGRELAY_CONFIG/)
  const dir = t.testdir({ 'tagrelay.yaml': {} })
  const folder = runCli(['check', '-c', join(dir, 'tagrelay.yaml')])
  t.equal(folder.status, 1)
  t.match(folder.stderr, /EISDIR: a folder, not a file \(Docker creates one/)
})
