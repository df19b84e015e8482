import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Ajv2020 from 'ajv/dist/2020.js'
import t from 'tap'
import { repoRoot, runCli } from '../helpers/cli.js'
import { parse } from 'yaml'

const cli = runCli

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
  t.match(
    r.stderr,
    `0.when: rule "one": unknown operator "equal" (valid: equals, not_equals, in, not_in, contains, starts_with, ends_with, matches, exists, empty, gt, gte, lt, lte, between) (${file}:3:9)`,
  )
  t.match(r.stderr, `1.tags.0: rule "two": tag template: unknown filter "nope"`)
  t.match(r.stderr, `(${file}:9:10)`)
  t.match(r.stderr, `2.source: rule "three": unknown source "nowhere" (${file}:11:11)`)

  const ok = cli(['check', '--config', join(dir, 'c.yaml')].slice(0, 1).concat(['--config', 'examples/demo.yaml']), {
    HL_TOKEN_MAIN: 'x',
    TYPEFORM_TOKEN: 'x',
    WEBSITE_TOKEN: 'x',
    SHOP_TOKEN: 'x',
  })
  t.equal(ok.status, 0, ok.stderr)
  t.match(ok.stdout, /5 rules, rules version [0-9a-f]{12}/)
})

t.test('config schema prints a JSON Schema the example configs validate against', async (t) => {
  const r = cli(['config', 'schema'])
  t.equal(r.status, 0, r.stderr)
  const schema = JSON.parse(r.stdout) as Record<string, unknown>
  t.match(schema, {
    title: 'tagrelay configuration',
    type: 'object',
    properties: { rules: { type: 'array' }, rulesFrom: {}, admin: {} },
  })
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

  const props = schema.properties as Record<string, { description?: string }>
  for (const key of ['server', 'store', 'sources', 'rules', 'rulesFrom'])
    t.match(props[key]?.description, /\w+ \w+/, `${key} has a description`)
  const defs = schema.$defs as Record<string, { properties?: Record<string, { description?: string }> }>
  t.match(defs.rule?.properties?.when?.description, /condition/, 'rule keys have descriptions')

  const rulesFile = ajv.compile({ $defs: schema.$defs, $ref: '#/$defs/rulesFile' })
  const rule = { name: 'x', source: 's', contact: { email: 'e' }, tags: ['a'] }
  t.ok(rulesFile([rule]), 'a rules file may be a list of rules', { errors: rulesFile.errors })
  t.ok(rulesFile({ rules: [rule] }), 'or a mapping with a rules: list', { errors: rulesFile.errors })
  t.notOk(rulesFile({ rules: [rule], extra: 1 }), 'nothing else in the mapping')
  t.notOk(rulesFile([{ ...rule, when: { field: 'a', greater_than_or_equal: 1 } }]), 'conditions are checked')
})
