import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/cli.js'

const cli = runCli

const GOOD = `
highlevel:
  locations:
    main: { locationId: L1, auth: { type: private-integration, token: "\${HL_TOKEN_MAIN}" } }
sources:
  typeform: { location: main, verify: { type: token, token: "\${TYPEFORM_TOKEN}" } }
rules:
  - name: lead
    source: typeform
    when: { field: form_response.form_id, equals: abc }
    contact: { email: "form_response.answers[type=email].email" }
    tags: [lead]
`

const BAD = `
server: { colour: blue }
highlevel:
  locations:
    main: { locationId: L1, auth: { type: private-integration, token: secret-token-value } }
sources:
  typeform: { location: mian, verify: { type: none } }
rules:
  - { name: lead, source: typeform, contact: { email: email }, tags: [a] }
  - { name: lead, source: tally, contact: { email: email }, tags: [b] }
`

const dir = t.testdir({ 'good.yaml': GOOD, 'bad.yaml': BAD })

t.test('check on a good config exits 0 and prints OK', async (t) => {
  const file = join(dir, 'good.yaml')
  const r = cli(['check', '--config', file], { HL_TOKEN_MAIN: 'pit-token', TYPEFORM_TOKEN: 'x'.repeat(16) })
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, `${file}: OK`)
  t.match(r.stdout, /1 source, 1 location, 1 rule, rules version [0-9a-f]{12}/)
  t.notMatch(r.stdout + r.stderr, 'pit-token')
})

t.test('check on a bad config exits 1 and lists each problem with its key path', async (t) => {
  const file = join(dir, 'bad.yaml')
  const r = cli(['check', '--config', file])
  t.equal(r.status, 1)
  t.equal(r.stdout, '')
  t.match(r.stderr, `invalid config ${file}`)
  t.match(r.stderr, /- server: unknown key "colour" \(valid: host, port, bodyLimit, /)
  t.match(r.stderr, /- sources\.typeform\.location: unknown location "mian"/)
  t.match(r.stderr, /- rules\.1\.name: duplicate rule name "lead"/)
  t.match(r.stderr, /- rules\.1\.source: .*unknown source "tally"/)
  t.notMatch(r.stderr, 'secret-token-value', 'never prints a secret from the file')
  t.notMatch(r.stderr, /\n\s+at /, 'no stack trace')
})

t.test('check reports a missing variable and a missing file', async (t) => {
  const missingVar = cli(['check', '-c', join(dir, 'good.yaml')], { TYPEFORM_TOKEN: 'x'.repeat(16) })
  t.equal(missingVar.status, 1)
  t.match(missingVar.stderr, 'highlevel.locations.main.auth.token: environment variable HL_TOKEN_MAIN is not set')

  const missingFile = cli(['check', '--config', join(dir, 'nope.yaml')])
  t.equal(missingFile.status, 1)
  t.match(missingFile.stderr, /cannot read .*nope\.yaml/)
})

t.test('check reads TAGRELAY_CONFIG when --config is absent', async (t) => {
  const r = cli(['check'], { TAGRELAY_CONFIG: join(dir, 'bad.yaml') })
  t.equal(r.status, 1)
  t.match(r.stderr, 'unknown location "mian"')
})

t.test('an unknown command or flag exits 2 with the usage text', async (t) => {
  const command = cli(['frobnicate'])
  t.equal(command.status, 2)
  t.match(command.stderr, 'unknown command "frobnicate"')
  t.match(command.stderr, /usage: tagrelay <command> \[options\]/)

  const flag = cli(['check', '--nope'])
  t.equal(flag.status, 2)
  t.match(flag.stderr, '--nope')
  t.match(flag.stderr, /usage: tagrelay check \[--config FILE\]/, "the command's own usage")
})
