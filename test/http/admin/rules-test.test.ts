import t from 'tap'
import type tap from 'tap'
import { compileConfigRules, validateConfig } from '../../../src/config/index.js'
import { buildApp } from '../../../src/http/index.js'
import { createLogger } from '../../../src/log.js'
import { createSourceRegistry } from '../../../src/sources/index.js'
import { openStore } from '../../../src/store/index.js'
import { captureLogs } from '../../helpers/build.js'

const ADMIN = 'adm-4c1f9e2b7a6d4e8f9b0c'
const SRC = 'src-token-0123456789ab'

function config(admin: Record<string, unknown> = { token: ADMIN }) {
  return validateConfig(
    {
      store: { url: 'sqlite::memory:' },
      admin,
      ruleOptions: { phoneCountry: 'US' },
      highlevel: {
        locations: {
          main: { locationId: 'L1', auth: { type: 'private-integration', token: 'pit-x' } },
          europe: { locationId: 'L2', auth: { type: 'private-integration', token: 'pit-y' } },
        },
      },
      sources: { forms: { location: 'main', verify: { type: 'token', token: SRC } } },
      rules: [
        {
          name: 'eu lead',
          source: 'forms',
          when: {
            all: [
              { field: '$headers.x-region', equals: 'eu' },
              { field: '$query.campaign', exists: true },
            ],
          },
          contact: { email: 'email', phone: 'phone', create: { firstName: 'first' } },
          tags: ['lead-{{ $query.campaign | slug }}'],
          untag: ['cold'],
          location: 'europe',
        },
        {
          name: 'token peek',
          source: 'forms',
          when: { field: '$query.token', exists: true },
          contact: { email: 'email' },
          tags: ['peek'],
        },
        {
          name: 'by id',
          source: 'forms',
          when: { field: 'want_id', equals: true },
          contact: { id: 'contact_id' },
          tags: ['x'],
        },
      ],
    },
    'test',
    { env: {} },
  )
}

async function makeApp(t: Parameters<Parameters<typeof tap.test>[0]>[0], cfg = config()) {
  const store = await openStore({ url: 'sqlite::memory:' })
  const rules = compileConfigRules(cfg)
  const logs = captureLogs()
  const a = await buildApp({
    config: cfg,
    store,
    sources: createSourceRegistry(cfg.sources),
    rules: () => rules,
    logger: createLogger({ level: 'info', stream: logs.stream }),
  })
  t.teardown(async () => {
    await a.close()
    await store.close()
  })
  return { app: a, store, logs, rules }
}

const sample = {
  source: 'forms',
  payload: { email: 'ada@example.com', phone: '415 555 2671', first: 'Ada' },
  headers: { 'X-Region': 'EU' },
  query: { campaign: 'Spring Sale' },
}

t.test('POST /admin/rules/test explains the evaluation without storing anything', async (t) => {
  const { app, store, rules } = await makeApp(t)
  const res = await app.inject({
    method: 'POST',
    url: '/admin/rules/test',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: sample,
  })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.equal(body.rulesVersion, rules.version)
  t.same(body.tags, ['lead-spring-sale'])
  t.same(body.intents, [
    {
      contact: { email: 'ada@example.com', phone: '+14155552671' },
      add: ['lead-spring-sale'],
      remove: ['cold'],
      rules: ['eu lead'],
      location: 'europe',
      create: { firstName: 'Ada' },
    },
  ])
  t.match(body.trace[0].condition.conditions, [
    { field: '$headers.x-region', found: 'EU', passed: true },
    { field: '$query.campaign', found: 'Spring Sale', passed: true },
  ])
  t.match(body.trace[2], { rule: 'by id', matched: false })
  t.match(body.explanation, '✓ $headers.x-region equals "eu": found "EU"')
  t.equal(await store.housekeeping.countEvents(), 0, 'nothing stored')

  const noMatch = await app.inject({
    method: 'POST',
    url: '/admin/rules/test',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { source: 'forms', payload: { want_id: true } },
  })
  t.same(noMatch.json().unmatched, [{ rule: 'by id', reason: 'no contact id at "contact_id"' }])
})

t.test('secret query parameters and headers never reach rules or their explanation', async (t) => {
  const { app } = await makeApp(t)
  const res = await app.inject({
    method: 'POST',
    url: '/admin/rules/test',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: { ...sample, query: { token: SRC }, headers: { 'x-tagrelay-token': SRC } },
  })
  t.notMatch(res.body, SRC)
  t.match(res.json().trace[1].condition, { field: '$query.token', found: '[redacted]' })
})

t.test('the admin token is required, and compared exactly', async (t) => {
  const { app } = await makeApp(t)
  for (const authorization of [
    undefined,
    'Bearer wrong-token',
    `Basic ${ADMIN}`,
    `Bearer ${ADMIN}x`,
    `Bearer ${ADMIN.slice(0, -1)}`,
  ]) {
    const res = await app.inject({
      method: 'POST',
      url: '/admin/rules/test',
      headers: authorization ? { authorization } : {},
      payload: sample,
    })
    t.equal(res.statusCode, 401, String(authorization))
    t.match(res.json(), { statusCode: 401, code: 'TAGRELAY_ADMIN_UNAUTHORIZED', message: String })
    t.equal(res.headers['www-authenticate'], 'Bearer realm="tagrelay admin"')
    t.notMatch(res.body, ADMIN)
  }
})

t.test('bad requests get 400 or 404 with a code', async (t) => {
  const { app } = await makeApp(t)
  const auth = { authorization: `Bearer ${ADMIN}` }
  const unknown = await app.inject({
    method: 'POST',
    url: '/admin/rules/test',
    headers: auth,
    payload: { source: 'nope', payload: {} },
  })
  t.match(unknown.json(), { statusCode: 404, code: 'TAGRELAY_UNKNOWN_SOURCE' })
  const missing = await app.inject({
    method: 'POST',
    url: '/admin/rules/test',
    headers: auth,
    payload: { source: 'forms' },
  })
  t.match(missing.json(), { statusCode: 400, code: 'TAGRELAY_BAD_REQUEST', message: /payload/ })
  const extra = await app.inject({
    method: 'POST',
    url: '/admin/rules/test',
    headers: auth,
    payload: { source: 'forms', payload: {}, typo: 1 },
  })
  t.match(extra.json(), { statusCode: 400, message: /unknown key "typo"/ })
})

t.test('without an admin token the admin routes answer 404', async (t) => {
  const { app } = await makeApp(t, config({}))
  const res = await app.inject({
    method: 'POST',
    url: '/admin/rules/test',
    headers: { authorization: 'Bearer anything-at-all-here' },
    payload: sample,
  })
  t.match(res.json(), { statusCode: 404, code: 'TAGRELAY_ADMIN_DISABLED' })
  t.equal(config({ token: '' }).admin.token, undefined, 'an empty token (unset ${VAR:-}) disables them too')
  t.throws(() => config({ token: 'short' }), /admin token needs at least 16 characters/)
})

t.test(
  'the hook route stores the explanation, unmatched contacts, and jobs with location, phone and create',
  async (t) => {
    const { app, store, rules } = await makeApp(t)
    const res = await app.inject({
      method: 'POST',
      url: '/hooks/forms?campaign=Spring%20Sale',
      headers: { 'x-tagrelay-token': SRC, 'x-region': 'eu', 'content-type': 'application/json' },
      payload: JSON.stringify({ ...sample.payload, want_id: true }),
    })
    t.equal(res.statusCode, 202, res.body)
    const event = await store.trail.getEvent(res.json().id)
    t.match(event?.jobs, [
      {
        location: 'europe',
        contact: { email: 'ada@example.com', phone: '+14155552671' },
        add: ['lead-spring-sale'],
        remove: ['cold'],
        create: { firstName: 'Ada' },
      },
    ])
    t.match(event?.explain, {
      rulesVersion: rules.version,
      unmatched: [{ rule: 'by id', reason: 'no contact id at "contact_id"' }],
    })
    t.match(
      event?.explain,
      { matched: ['eu lead', 'by id'], query: { campaign: 'Spring Sale' } },
      'the event keeps what matched, not the trace',
    )
    t.notMatch(JSON.stringify(event), SRC, 'the source token is not stored')
    const trail = await app.inject({
      url: `/admin/events/${res.json().id}`,
      headers: { authorization: `Bearer ${ADMIN}` },
    })
    t.match(trail.json().rules, {
      traceFrom: 'recomputed',
      trace: [
        { rule: 'eu lead', matched: true },
        { rule: 'token peek', matched: false },
        { rule: 'by id', matched: true, unresolved: String },
      ],
    })
    t.notMatch(trail.body, SRC, 'nor is it in the trail evaluated again')
  },
)
