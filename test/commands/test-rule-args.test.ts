import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/cli.js'

const cli = runCli

t.test('test-rule with headers and query files', async (t) => {
  const dir = t.testdir({
    'c.yaml': `
sources: { s: { location: main, verify: { type: none } } }
highlevel: { locations: { main: { locationId: L, auth: { type: private-integration, token: "\${HL}" } } } }
rules:
  - { name: ua, source: s, when: { field: "$headers.User-Agent", contains: typeform }, contact: { email: e }, tags: ["via-{{ $query.via }}"] }
`,
    'p.json': '{"e": "a@example.com"}',
    'h.json': '{"User-Agent": "Typeform Webhooks"}',
    'q.json': '{"via": "ads"}',
    'bad.json': '{nope',
    'list.json': '[1]',
  })
  const r = cli([
    'test-rule',
    '-c',
    join(dir, 'c.yaml'),
    '-s',
    's',
    '-p',
    join(dir, 'p.json'),
    '--headers',
    join(dir, 'h.json'),
    '--query',
    join(dir, 'q.json'),
  ])
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, '✓ $headers.User-Agent contains "typeform": found "Typeform Webhooks"')
  t.match(r.stdout, 'tags: via-ads')

  const badJson = cli(['test-rule', '-c', join(dir, 'c.yaml'), '-s', 's', '-p', join(dir, 'bad.json')])
  t.equal(badJson.status, 1)
  t.match(badJson.stderr, /payload file .*bad\.json is not valid JSON/)
  const noArgs = cli(['test-rule', '-c', join(dir, 'c.yaml')])
  t.equal(noArgs.status, 2)
  t.match(noArgs.stderr, 'test-rule needs --source NAME and --payload FILE')
  t.equal(cli(['test-rule', '--bogus']).status, 2)
})
