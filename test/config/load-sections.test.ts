import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { ConfigError } from '../../src/config/index.js'
import { DEFAULT_HIGHLEVEL_BASE_URL, loadConfigFile, validateConfig } from '../../src/config/index.js'
import { compileRules } from '../../src/rules/index.js'
import { hasProblem, minimal, problemsOf, repoRoot, TOKEN } from './load-helpers.js'

t.test('token verification', async (t) => {
  const withVerify = (verify: unknown) =>
    validateConfig({ ...minimal(), sources: { typeform: { location: 'main', verify } } }, 'c.yaml', { env: {} }).sources
      .typeform!.verify

  t.same(withVerify({ type: 'token', token: 'one-token' }), {
    type: 'token',
    token: ['one-token'],
    header: 'x-tagrelay-token',
    query: 'token',
  })
  t.same(withVerify({ type: 'token', token: ['old', 'new'], header: 'X-Form-Key', query: 'key' }), {
    type: 'token',
    token: ['old', 'new'],
    header: 'x-form-key',
    query: 'key',
  })
  t.same(withVerify({ type: 'none' }), { type: 'none' })

  const empty = problemsOf(t, () => withVerify({ type: 'token', token: '' }))
  t.ok(
    empty.some((p) => p.startsWith('sources.typeform.verify.token')),
    'empty token rejected',
    { empty },
  )
  const emptyList = problemsOf(t, () => withVerify({ type: 'token', token: [] }))
  t.ok(
    emptyList.some((p) => p.startsWith('sources.typeform.verify.token')),
    'empty list rejected',
    { emptyList },
  )
  const unknown = problemsOf(t, () => withVerify({ type: 'hmac' }))
  t.ok(
    unknown.some((p) => p.startsWith('sources.typeform.verify')),
    'unknown type rejected',
    { unknown },
  )
})

t.test('rule problems are reported with their path and the operators', async (t) => {
  const raw = minimal()
  raw.rules = [
    { name: 'none', source: 'typeform', when: { field: 'a' }, contact: { email: 'e' }, tags: ['x'] },
    {
      name: 'two',
      source: 'typeform',
      when: { all: [{ field: 'a', equals: 1, exists: true }] },
      contact: { email: 'e' },
      tags: ['x'],
    },
  ]
  const problems = problemsOf(t, () => validateConfig(raw, 'c.yaml', { env: {} }))
  hasProblem(t, problems, 'rules.0.when', /exactly one operator of equals, not_equals, in, not_in/)
  hasProblem(t, problems, 'rules.1.when.all.0', /exactly one operator of equals, not_equals, in, not_in/)
})

t.test('examples/demo.yaml', async (t) => {
  const file = join(repoRoot, 'examples/demo.yaml')
  const env = {
    HL_TOKEN_MAIN: TOKEN,
    TYPEFORM_TOKEN: 't'.repeat(16),
    WEBSITE_TOKEN: 'w'.repeat(16),
    SHOP_TOKEN: 's'.repeat(16),
  }

  t.test('loads when its variables are given', async (t) => {
    const config = loadConfigFile(file, { env })
    t.same(Object.keys(config.sources).sort(), ['shop', 'typeform', 'website'])
    t.equal(config.rules.length, 5)
    t.equal(config.highlevel.baseUrl, DEFAULT_HIGHLEVEL_BASE_URL, 'the ${VAR:-default} fallback applies')
    t.equal(config.highlevel.locations.main?.locationId, 've9EPM428h8vShlRW1KT')
    t.match(config.highlevel.locations.main?.auth, { type: 'private-integration', token: TOKEN })
    t.same(config.sources.typeform?.verify, {
      type: 'token',
      token: [env.TYPEFORM_TOKEN],
      header: 'x-tagrelay-token',
      query: 'token',
    })
  })

  t.test('its rules tag the sample typeform payload', async (t) => {
    const config = loadConfigFile(file, { env })
    const body = JSON.parse(readFileSync(join(repoRoot, 'examples/payloads/typeform.json'), 'utf8')) as unknown
    const { intents } = compileRules(config.rules).evaluate({ source: 'typeform', body })
    t.same(intents, [
      {
        contact: { email: 'ada@example.com' },
        add: ['webinar-2026', 'sales-interest', 'utm-newsletter'],
        remove: [],
        rules: ['webinar lead'],
        create: { firstName: 'Ada' },
      },
    ])
  })

  t.test('without its variables every missing one is listed', async (t) => {
    const problems = problemsOf(t, () => loadConfigFile(file, { env: {} }))
    t.ok(
      problems.every((p) => / \(.*examples\/demo\.yaml:\d+:\d+\)$/.test(p)),
      'each with file:line:col',
      { problems },
    )
    t.same(problems.map((p) => p.replace(/ \(.*\)$/, '')).sort(), [
      'highlevel.locations.main.auth.token: environment variable HL_TOKEN_MAIN is not set',
      'sources.shop.verify.token: environment variable SHOP_TOKEN is not set',
      'sources.typeform.verify.token: environment variable TYPEFORM_TOKEN is not set',
      'sources.website.verify.token: environment variable WEBSITE_TOKEN is not set',
    ])
  })
})

t.test('ConfigError message lists every problem and never a resolved secret', async (t) => {
  const raw = minimal() as Record<string, Record<string, unknown>>
  raw.sources = { typeform: { location: 'mian', verify: { type: 'token', token: '${SECRET}' } } }
  let error: ConfigError | undefined
  try {
    validateConfig(raw, 'c.yaml', { env: { SECRET: 'super-secret-value' } })
  } catch (err) {
    error = err as ConfigError
  }
  t.ok(error)
  t.match(error?.message, /^invalid config c\.yaml:\n {2}- sources\.typeform\.location: unknown location "mian"/)
  t.notMatch(error?.message, 'super-secret-value')
  t.notMatch(error?.message, TOKEN)
})
