import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { configJsonSchema, formatIssues, validateConfig } from '../../src/config/index.js'
import { testRule } from '../../src/commands/test-rule.js'
import { DEMO_EVENTS } from '../../src/demo/samples.js'
import { ruleSchema } from '../../src/rules/index.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const demo = join(root, 'examples/demo.yaml')

t.test('testRule explains each demo payload (in process)', async (t) => {
  for (const e of DEMO_EVENTS) {
    const text = testRule({ config: demo, source: e.source, payload: join(root, 'examples', e.file) })
    t.match(text, new RegExp(`^source ${e.source}, rules version [0-9a-f]{12}`))
    t.match(text, /tags: \S/)
    t.match(text, /: found /)
  }
  const json = JSON.parse(
    testRule({ config: demo, source: 'shop', payload: join(root, 'examples/payloads/shop-order.json'), json: true }),
  ) as { intents: Array<{ remove: string[] }> }
  t.same(json.intents[0]?.remove, ['abandoned-cart'], 'the demo shop rule untags abandoned-cart')
  t.throws(() => testRule({ config: demo, source: 'nope', payload: 'x' }), {
    code: 'TAGRELAY_TEST_RULE_INPUT',
    message: /unknown source "nope"/,
  })
  t.throws(() => testRule({ config: demo, source: 'shop', payload: join(root, 'nope.json') }), {
    message: /cannot read payload file/,
  })
  t.throws(() => testRule({ config: demo, source: 'shop', payload: demo }), { message: /is not valid JSON/ })
  const dir = t.testdir({ 'h.json': '{"X-A": 1}', 'q.json': '"x"' })
  t.match(
    testRule({
      config: demo,
      source: 'shop',
      payload: join(root, 'examples/payloads/shop-order.json'),
      headers: join(dir, 'h.json'),
    }),
    /rule "paid order": matched/,
  )
  t.throws(
    () =>
      testRule({
        config: demo,
        source: 'shop',
        payload: join(root, 'examples/payloads/shop-order.json'),
        query: join(dir, 'q.json'),
      }),
    { message: /expected a JSON object/ },
  )
})

t.test('configJsonSchema describes the input, with defaults optional', async (t) => {
  const schema = configJsonSchema()
  t.equal(schema.title, 'tagrelay configuration')
  t.notOk(((schema.required as string[] | undefined) ?? []).includes('server'))
  t.match(schema, { properties: { ruleOptions: { properties: { phoneCountry: { type: 'string' } } } } })
})

t.test('ruleOptions and admin validate', async (t) => {
  const base = { sources: {}, highlevel: { locations: {} } }
  t.equal(
    validateConfig({ ...base, ruleOptions: { phoneCountry: 'gb' } }, 'c', { env: {} }).ruleOptions.phoneCountry,
    'GB',
  )
  t.throws(() => validateConfig({ ...base, ruleOptions: { phoneCountry: 'XX' } }, 'c', { env: {} }), {
    message: /ruleOptions\.phoneCountry: expected a two-letter country code/,
  })
  t.equal(validateConfig({ ...base, admin: { token: 'a'.repeat(16) } }, 'c', { env: {} }).admin.token, 'a'.repeat(16))
  t.equal(validateConfig(base, 'c', { env: {} }).admin.token, undefined)
  t.same(validateConfig({ ...base, rules: [] }, 'c', { env: { X: '' }, allowMissingEnv: true }).rules, [])
})

t.test('formatIssues flattens unions to the best branch', async (t) => {
  const r = ruleSchema.safeParse({
    name: 'r',
    source: 's',
    when: { field: 'a', between: [1, 'x'] },
    contact: { email: 'e' },
    tags: ['x'],
  })
  t.match(formatIssues(r.error?.issues ?? []), [/^when\.between\.1: expected a number or an ISO date/])
})
