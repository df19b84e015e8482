import t from 'tap'
import { ADMIN_TOKEN, build, SOURCE_TOKEN } from '../../helpers/build.js'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }

async function setup(t: Tap) {
  const built = await build(t, { extra: { admin: { token: ADMIN_TOKEN } } })
  const post = async (source: string, body: Record<string, unknown>): Promise<string> => {
    const res = await built.app.inject({
      method: 'POST',
      url: `/hooks/${source}?k=1`,
      headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
      payload: body,
    })
    t.equal(res.statusCode, 202, res.body)
    return res.json<{ id: string }>().id
  }
  return { ...built, post }
}

t.test('GET /admin/events and /admin/events/:id need the admin token', async (t) => {
  const { app, post } = await setup(t)
  const id = await post('forms', { type: 'signup', email: 'ada@example.com' })
  for (const url of ['/admin/events', `/admin/events/${id}`]) {
    const none = await app.inject({ url })
    t.equal(none.statusCode, 401, `${url} without a token`)
    t.equal(none.json().code, 'TAGRELAY_ADMIN_UNAUTHORIZED')
    t.equal(
      (await app.inject({ url, headers: { authorization: 'Bearer wrong-token-0000000000' } })).statusCode,
      401,
      `${url} with a wrong token`,
    )
    t.equal((await app.inject({ url, headers: auth })).statusCode, 200, `${url} with the token`)
  }
})

t.test('the list filters by source, status, contact and time, and pages with a cursor', async (t) => {
  const { app, post, store } = await setup(t)
  const a = await post('forms', { type: 'signup', email: 'ada@example.com' })
  const b = await post('open', { email: 'bob@example.com' })
  const c = await post('forms', { type: 'other' })
  const list = async (query: string) => {
    const res = await app.inject({ url: `/admin/events${query}`, headers: auth })
    t.equal(res.statusCode, 200, res.body)
    return res.json<{
      events: Array<{ id: string; status: string; source: string; receivedAt: string; tags: string[] }>
      nextCursor: string | null
    }>()
  }
  const all = await list('')
  t.same(new Set(all.events.map((e) => e.id)), new Set([a, b, c]))
  t.equal(all.nextCursor, null)
  t.ok(!Number.isNaN(Date.parse(all.events[0]!.receivedAt)), 'receivedAt is an ISO date')
  t.same(
    (await list('?source=open')).events.map((e) => e.id),
    [b],
  )
  t.same(
    (await list('?contact=ADA@example.com')).events.map((e) => e.id),
    [a],
  )
  t.same(
    (await list('?status=none')).events.map((e) => e.id),
    [c],
    'no rule matched: no job',
  )
  t.same(new Set((await list('?status=pending')).events.map((e) => e.id)), new Set([a, b]))
  t.same((await list(`?until=${new Date(Date.now() - 3_600_000).toISOString()}`)).events, [], 'an hour ago: nothing')
  t.equal((await list(`?since=${Date.now() - 60_000}`)).events.length, 3, 'epoch ms works too')

  const seen: string[] = []
  let cursor: string | null = ''
  while (cursor !== null) {
    const page = await list(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
    t.ok(page.events.length <= 1)
    seen.push(...page.events.map((e) => e.id))
    cursor = page.nextCursor
  }
  t.same(
    seen,
    all.events.map((e) => e.id),
    'pages of one walk the same list, none repeated or skipped',
  )
  t.equal(await store.housekeeping.countEvents(), 3)

  for (const bad of [
    '?status=lost',
    '?limit=0',
    '?limit=1000',
    '?cursor=not-a-cursor',
    '?since=yesterday',
    '?colour=red',
  ]) {
    const res = await app.inject({ url: `/admin/events${bad}`, headers: auth })
    t.equal(res.statusCode, 400, bad)
    t.equal(res.json().code, 'TAGRELAY_BAD_REQUEST', bad)
  }
})

t.test(
  'the trail of an undelivered event: request with secrets removed, verification, rules, pending job',
  async (t) => {
    const { app, post } = await setup(t)
    const id = await post('forms', { type: 'signup', email: 'ada@example.com' })
    const res = await app.inject({ url: `/admin/events/${id}`, headers: auth })
    t.equal(res.statusCode, 200)
    const trail = res.json()
    t.notOk(res.body.includes(SOURCE_TOKEN), 'the source token is not in the trail')
    t.equal(trail.request.headers['x-tagrelay-token'], '[redacted]')
    t.same(trail.request.body, { type: 'signup', email: 'ada@example.com' })
    t.same(trail.verification, { verified: true, method: 'token' })
    t.match(trail.rules, { tags: ['lead', 'signed up'] })
    t.match(trail.rules.explanation, /signup/)
    t.same(trail.intents, [
      {
        location: 'main',
        contact: { email: 'ada@example.com' },
        add: ['lead', 'signed up'],
        remove: [],
        rules: ['signup'],
      },
    ])
    t.equal(trail.status, 'pending')
    t.match(trail.jobs, [{ status: 'pending', attempts: 0, trail: [] }])
    t.type(trail.jobs[0].nextAttemptAt, 'string')

    const missing = await app.inject({ url: '/admin/events/nope', headers: auth })
    t.equal(missing.statusCode, 404)
    t.equal(missing.json().code, 'TAGRELAY_EVENT_NOT_FOUND')
  },
)

t.test('after a rules reload, an older event is still explained by the rules that judged it', async (t) => {
  const { app, post, store, reloadRules } = await setup(t)
  const before = await post('forms', { type: 'signup', email: 'ada@example.com' })
  const trail = async (id: string) =>
    (await app.inject({ url: `/admin/events/${id}`, headers: auth })).json<{
      rules: {
        version: string
        trace: Array<{ rule: string; matched: boolean }>
        traceFrom: string
        explanation: string
      }
    }>().rules
  const first = await trail(before)
  t.equal(first.traceFrom, 'recomputed', 'the stored event holds no trace; the trail evaluates it again')
  t.ok(
    first.trace.some((r) => r.matched),
    'a rule matched',
  )

  const v2 = reloadRules([
    {
      name: 'added later',
      source: 'forms',
      when: { field: 'type', equals: 'signup' },
      contact: { email: 'email' },
      tags: ['late'],
    },
  ])
  t.not(v2, first.version, 'a new rules version')
  const after = await post('forms', { type: 'signup', email: 'bob@example.com' })
  const old = await trail(before)
  t.same(old, first, 'the old event: same version, same trace as before the reload')
  t.notOk(
    old.trace.some((r) => r.rule === 'added later'),
    'the new rule is not in the old trail',
  )
  const fresh = await trail(after)
  t.equal(fresh.version, v2)
  t.match(
    fresh.trace.find((r) => r.rule === 'added later'),
    { matched: true },
  )
  const stored = await store.trail.getEvent(after)
  t.notOk(JSON.stringify(stored?.explain).includes('"condition"'), 'no condition trace stored with the event')
})
