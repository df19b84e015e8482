import t from 'tap'
import { build, LOCATION_ID, SOURCE_TOKEN } from '../helpers/build.js'
import { sample } from '../helpers/metrics.js'

const json = { 'content-type': 'application/json' }

t.test('/metrics counts requests by outcome, rule matches, rejections, ingest latency and the queue', async (t) => {
  const { app } = await build(t, {
    rateLimits: {
      lastRateLimit: (id) =>
        id === LOCATION_ID
          ? { max: 100, remaining: 42, intervalMs: 10_000, dailyLimit: 200_000, dailyRemaining: 199_000 }
          : null,
    },
  })
  const before = await app.inject({ url: '/metrics' })
  t.equal(before.statusCode, 200)
  t.match(before.headers['content-type'], /text\/plain/)
  t.equal(sample(before.body, 'tagrelay_queue_depth', { location: 'main' }), undefined, 'no queue yet')

  const ok = { ...json, 'x-tagrelay-token': SOURCE_TOKEN }
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/hooks/forms',
        headers: ok,
        payload: { type: 'signup', email: 'a@example.com' },
      })
    ).statusCode,
    202,
  )
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/hooks/forms',
        headers: ok,
        payload: { type: 'signup', email: 'b@example.com', contactId: 'c1' },
      })
    ).statusCode,
    202,
  )
  t.equal(
    (await app.inject({ method: 'POST', url: '/hooks/forms', headers: json, payload: { type: 'signup' } })).statusCode,
    401,
  )
  t.equal((await app.inject({ method: 'POST', url: '/hooks/nosuch', headers: json, payload: {} })).statusCode, 404)

  const text = (await app.inject({ url: '/metrics' })).body
  t.equal(sample(text, 'tagrelay_requests_total', { source: 'forms', outcome: 'accepted' }), 2)
  t.equal(sample(text, 'tagrelay_requests_total', { source: 'forms', outcome: 'rejected' }), 1)
  t.equal(
    sample(text, 'tagrelay_requests_total', { source: '(unknown)', outcome: 'rejected' }),
    1,
    'an unknown source name is not a label',
  )
  t.notOk(text.includes('nosuch'))
  t.equal(sample(text, 'tagrelay_rule_matches_total', { rule: 'signup' }), 2)
  t.equal(sample(text, 'tagrelay_rule_matches_total', { rule: 'vip' }), 1)
  t.equal(sample(text, 'tagrelay_rejections_total', { source: 'forms', code: 'TAGRELAY_MISSING_TOKEN' }), 1)
  t.equal(sample(text, 'tagrelay_rejections_total', { source: '(unknown)', code: 'TAGRELAY_UNKNOWN_SOURCE' }), 1)
  t.equal(sample(text, 'tagrelay_ingest_duration_seconds_count', { source: 'forms' }), 2)
  t.equal(sample(text, 'tagrelay_queue_depth', { location: 'main' }), 3, 'three jobs pending')
  t.ok((sample(text, 'tagrelay_queue_oldest_pending_age_seconds', { location: 'main' }) ?? -1) >= 0)
  t.equal(sample(text, 'tagrelay_dead_letters', { location: 'main' }), 0)
  t.equal(sample(text, 'tagrelay_highlevel_rate_remaining', { location: 'main', window: 'burst' }), 42)
  t.equal(sample(text, 'tagrelay_highlevel_rate_remaining', { location: 'main', window: 'daily' }), 199_000)
  t.ok(
    sample(text, 'process_resident_memory_bytes') ?? sample(text, 'nodejs_heap_size_used_bytes'),
    'default process metrics',
  )
})

t.test('two apps in one process keep separate registries', async (t) => {
  const one = await build(t)
  const two = await build(t)
  await one.app.inject({ method: 'POST', url: '/hooks/open', headers: json, payload: { email: 'a@example.com' } })
  t.equal(
    sample((await one.app.inject({ url: '/metrics' })).body, 'tagrelay_requests_total', {
      source: 'open',
      outcome: 'accepted',
    }),
    1,
  )
  t.equal(
    sample((await two.app.inject({ url: '/metrics' })).body, 'tagrelay_requests_total', {
      source: 'open',
      outcome: 'accepted',
    }),
    undefined,
  )
})

t.test('metrics.token puts /metrics behind its own bearer token; enabled: false removes it', async (t) => {
  const token = 'metrics-3f9a1c7e5b2d'
  const { app } = await build(t, { extra: { metrics: { token } } })
  const none = await app.inject({ url: '/metrics' })
  t.equal(none.statusCode, 401)
  t.equal(none.json().code, 'TAGRELAY_ADMIN_UNAUTHORIZED')
  t.equal(
    (await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-wrong-wrong' } })).statusCode,
    401,
  )
  t.equal((await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } })).statusCode, 200)
  const off = await build(t, { extra: { metrics: { enabled: false } } })
  t.equal((await off.app.inject({ url: '/metrics' })).statusCode, 404)
})

t.test('every series the Grafana dashboard in examples/ queries is exported', async (t) => {
  const { readFileSync } = await import('node:fs')
  const { repoRoot } = await import('../helpers/cli.js')
  const dashboard = JSON.parse(readFileSync(`${repoRoot}/examples/grafana-dashboard.json`, 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>
  }
  const { app } = await build(t, { rateLimits: { lastRateLimit: () => null } })
  const text = (await app.inject({ url: '/metrics' })).body
  const exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]))
  const names = new Set(
    dashboard.panels.flatMap((p) =>
      p.targets.flatMap((q) => [...q.expr.matchAll(/\b((?:tagrelay|nodejs|process)_\w+)/g)].map((m) => m[1]!)),
    ),
  )
  t.ok(names.size >= 12, `${names.size} series queried`)
  for (const name of names) t.ok(exported.has(name.replace(/_(bucket|count|sum)$/, '')), `${name} is exported`)
})
