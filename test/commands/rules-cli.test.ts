import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Ajv2020 from 'ajv/dist/2020.js'
import t from 'tap'
import { parse } from 'yaml'
import { DEMO_EVENTS } from '../../src/demo/samples.js'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

function cli(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TAGRELAY_') && !/_TOKEN/.test(k)))
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...clean, ...env }, timeout: 30_000 })
}

t.test('test-rule on every examples/ payload shows the tags and each condition', async (t) => {
  const payloads = readdirSync(join(repoRoot, 'examples/payloads')).filter((f) => f.endsWith('.json'))
  t.ok(payloads.length >= 3)
  for (const file of payloads) {
    const sample = DEMO_EVENTS.find((e) => e.file === `payloads/${file}`)
    t.ok(sample, `${file} has a source in DEMO_EVENTS`)
    if (!sample) continue
    // no *_TOKEN variables set: test-rule needs no secret
    const r = cli(['test-rule', '--config', 'examples/demo.yaml', '--source', sample.source, '--payload', `examples/payloads/${file}`])
    t.equal(r.status, 0, `${file}: ${r.stderr}`)
    t.match(r.stdout, new RegExp(`^source ${sample.source}, rules version [0-9a-f]{12}: \\d+ of \\d+ rules matched`), file)
    t.match(r.stdout, /✓ rule "[^"]+": matched/, `${file}: a rule matched`)
    t.match(r.stdout, /\n {4,}[✓✗] \S+ (equals|in|gt|not_equals|exists) .*: found /, `${file}: per-condition values`)
    t.match(r.stdout, /\n {4}tags: \S/, `${file}: the tags`)
    t.match(r.stdout, /\nresult:\n {2}(email|id) \S+: add \S/, `${file}: the result per contact`)
  }
})

t.test('test-rule explains a typeform answer in detail', async (t) => {
  const r = cli(['test-rule', '-c', 'examples/demo.yaml', '-s', 'typeform', '-p', 'examples/payloads/typeform.json'])
  t.match(r.stdout, '✓ form_response.form_id equals "lT4Z3j": found "lT4Z3j"')
  t.match(r.stdout, 'tags: webinar-2026, sales-interest, utm-newsletter')
  t.match(r.stdout, 'contact: email ada@example.com')
  t.match(r.stdout, 'create if missing with firstName="Ada"')
  const json = cli(['test-rule', '-c', 'examples/demo.yaml', '-s', 'typeform', '-p', 'examples/payloads/typeform.json', '--json'])
  t.match(JSON.parse(json.stdout), { source: 'typeform', intents: [{ add: ['webinar-2026', 'sales-interest', 'utm-newsletter'] }], trace: [{ rule: 'webinar lead', matched: true }] })
})

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
  const r = cli(['test-rule', '-c', join(dir, 'c.yaml'), '-s', 's', '-p', join(dir, 'p.json'), '--headers', join(dir, 'h.json'), '--query', join(dir, 'q.json')])
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, '✓ $headers.User-Agent contains "typeform": found "Typeform Webhooks"')
  t.match(r.stdout, 'tags: via-ads')

  const badJson = cli(['test-rule', '-c', join(dir, 'c.yaml'), '-s', 's', '-p', join(dir, 'bad.json')])
  t.equal(badJson.status, 1)
  t.match(badJson.stderr, /payload file .*bad\.json is not valid JSON/)
  const missing = cli(['test-rule', '-c', join(dir, 'c.yaml'), '-s', 's', '-p', join(dir, 'gone.json')])
  t.equal(missing.status, 1)
  t.match(missing.stderr, /cannot read payload file .*gone\.json: ENOENT/)
  const badHeaders = cli(['test-rule', '-c', join(dir, 'c.yaml'), '-s', 's', '-p', join(dir, 'p.json'), '--headers', join(dir, 'list.json')])
  t.equal(badHeaders.status, 1)
  t.match(badHeaders.stderr, /expected a JSON object/)
  const unknownSource = cli(['test-rule', '-c', join(dir, 'c.yaml'), '-s', 'nope', '-p', join(dir, 'p.json')])
  t.equal(unknownSource.status, 1)
  t.match(unknownSource.stderr, 'unknown source "nope" (known: s)')
  const noArgs = cli(['test-rule', '-c', join(dir, 'c.yaml')])
  t.equal(noArgs.status, 2)
  t.match(noArgs.stderr, 'test-rule needs --source NAME and --payload FILE')
  t.equal(cli(['test-rule', '--bogus']).status, 2)
})

t.test('check lists every problem in rules files with file:line:col, exit 1', async (t) => {
  const dir = t.testdir({
    'c.yaml': `
sources: { s: { location: main, verify: { type: none } } }
highlevel: { locations: { main: { locationId: L, auth: { type: private-integration, token: pit-x } } } }
rulesFrom: [rules]
`,
    rules: {
      'a.yaml': `- name: one
  source: s
  when: { field: "items[*].sku", equal: x }
  contact: { email: e }
  tags: [a]
- name: two
  source: s
  contact: { phone: p }
  tags: ["{{ x | nope }}"]
- name: three
  source: nowhere
  contact: { email: e }
  tags: [c]
`,
    },
  })
  const r = cli(['check', '--config', join(dir, 'c.yaml')])
  t.equal(r.status, 1)
  const file = join(dir, 'rules', 'a.yaml')
  t.match(r.stderr, `0.when: rule "one": unknown key(s) "equal" (${file}:3:9)`)
  t.match(r.stderr, `1.tags.0: rule "two": tag template: unknown filter "nope"`)
  t.match(r.stderr, `(${file}:9:10)`)
  t.match(r.stderr, `2.source: rule "three": unknown source "nowhere" (${file}:11:11)`)

  const ok = cli(['check', '--config', join(dir, 'c.yaml')].slice(0, 1).concat(['--config', 'examples/demo.yaml']), { HL_TOKEN_MAIN: 'x', TYPEFORM_TOKEN: 'x', WEBSITE_TOKEN: 'x', SHOP_TOKEN: 'x' })
  t.equal(ok.status, 0, ok.stderr)
  t.match(ok.stdout, /5 rules, rules version [0-9a-f]{12}/)
})

t.test('config schema prints a JSON Schema the example configs validate against', async (t) => {
  const r = cli(['config', 'schema'])
  t.equal(r.status, 0, r.stderr)
  const schema = JSON.parse(r.stdout) as Record<string, unknown>
  t.match(schema, { title: 'tagrelay configuration', type: 'object', properties: { rules: { type: 'array' }, rulesFrom: {}, admin: {} } })
  t.notOk((schema.required as string[] | undefined)?.includes('server'), 'keys with defaults are optional')
  const ajv = new Ajv2020.default({ strict: false })
  const validate = ajv.compile(schema)
  for (const file of ['examples/demo.yaml', 'examples/tagrelay.yaml']) {
    const config = parse(readFileSync(join(repoRoot, file), 'utf8')) as unknown
    t.ok(validate(config), `${file} validates`, { errors: validate.errors })
  }
  t.notOk(validate({ rules: [{ name: 'x', source: 's', tags: ['a'], typo: 1 }] }), 'an unknown rule key is refused')
  t.notOk(validate({ server: { port: 'eighty' } }), 'a wrong type is refused')
  t.equal(cli(['config']).status, 2)
  t.equal(cli(['config', 'schema', 'extra']).status, 2)
})
