import t from 'tap'
import { build, SOURCE_TOKEN } from '../helpers/build.js'

const signup = { type: 'signup', email: 'Ada@Example.com', name: 'Ada' }

t.test('a verified JSON event is stored with its jobs and answered 202', async (t) => {
  const { app, store } = await build(t)
  const res = await app.inject({
    method: 'POST',
    url: '/hooks/forms',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
    payload: JSON.stringify(signup),
  })
  t.equal(res.statusCode, 202)
  const body = res.json()
  t.match(body, { id: String, tags: ['lead', 'signed up'], rules: ['signup'] })
  const event = await store.trail.getEvent(body.id)
  t.ok(event, 'the event is stored before the answer')
  t.same(event?.body, signup)
  t.equal(event?.headers['x-tagrelay-token'], '[redacted]', 'the source token is not stored')
  t.equal(event?.jobs.length, 1)
  t.match(event?.jobs[0], {
    location: 'main',
    contact: { email: 'ada@example.com' },
    add: ['lead', 'signed up'],
    status: 'pending',
  })
})

t.test('the token may come in the query string', async (t) => {
  const { app, store } = await build(t)
  const res = await app.inject({ method: 'POST', url: `/hooks/forms?token=${SOURCE_TOKEN}`, payload: signup })
  t.equal(res.statusCode, 202)
  t.equal(await store.housekeeping.countEvents(), 1)
})

t.test('an event no rule matches is still stored, with no jobs', async (t) => {
  const { app, store } = await build(t)
  const res = await app.inject({
    method: 'POST',
    url: '/hooks/forms',
    headers: { 'x-tagrelay-token': SOURCE_TOKEN },
    payload: { type: 'other' },
  })
  t.equal(res.statusCode, 202)
  t.same(res.json().tags, [])
  t.equal(await store.housekeeping.countEvents(), 1)
  t.equal(await store.housekeeping.countJobs(), 0)
})

t.test('a matching rule whose contact cannot be read is reported in the answer', async (t) => {
  const { app, store } = await build(t)
  const res = await app.inject({
    method: 'POST',
    url: '/hooks/forms',
    headers: { 'x-tagrelay-token': SOURCE_TOKEN },
    payload: { type: 'signup', email: 'not-an-email' },
  })
  t.equal(res.statusCode, 202)
  t.match(res.json().unresolved, [{ rule: 'signup', reason: /not an email/ }])
  t.equal(await store.housekeeping.countJobs(), 0)
})

const rejections: Array<{
  name: string
  url: string
  headers: Record<string, string>
  payload: string
  status: number
  code: string
}> = [
  {
    name: 'malformed JSON',
    url: '/hooks/forms',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
    payload: '{"type": "signup",',
    status: 400,
    code: 'TAGRELAY_BAD_BODY',
  },
  {
    name: 'empty body',
    url: '/hooks/forms',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
    payload: '',
    status: 400,
    code: 'TAGRELAY_BAD_BODY',
  },
  {
    name: 'wrong token',
    url: '/hooks/forms',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': 'src-wrong-token-000000' },
    payload: JSON.stringify(signup),
    status: 401,
    code: 'TAGRELAY_BAD_TOKEN',
  },
  {
    name: 'missing token',
    url: '/hooks/forms',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(signup),
    status: 401,
    code: 'TAGRELAY_MISSING_TOKEN',
  },
  {
    name: 'unknown source',
    url: '/hooks/nope',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
    payload: JSON.stringify(signup),
    status: 404,
    code: 'TAGRELAY_UNKNOWN_SOURCE',
  },
  {
    name: 'unsupported content type',
    url: '/hooks/forms',
    headers: { 'content-type': 'text/csv', 'x-tagrelay-token': SOURCE_TOKEN },
    payload: 'a,b',
    status: 415,
    code: 'TAGRELAY_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'body over the limit',
    url: '/hooks/forms',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
    payload: JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }),
    status: 413,
    code: 'TAGRELAY_BODY_TOO_LARGE',
  },
  {
    name: 'unknown route',
    url: '/hooks',
    headers: { 'content-type': 'application/json' },
    payload: '{}',
    status: 404,
    code: 'TAGRELAY_NOT_FOUND',
  },
]

for (const r of rejections) {
  t.test(`${r.name} → ${r.status} ${r.code}, nothing stored`, async (t) => {
    const { app, store, logs } = await build(t)
    const res = await app.inject({ method: 'POST', url: r.url, headers: r.headers, payload: r.payload })
    t.equal(res.statusCode, r.status)
    const body = res.json()
    t.same(Object.keys(body).sort(), ['code', 'message', 'statusCode'])
    t.equal(body.statusCode, r.status)
    t.equal(body.code, r.code)
    t.type(body.message, 'string')
    t.equal(await store.housekeeping.countEvents(), 0, 'no event stored')
    t.equal(await store.housekeeping.countJobs(), 0, 'no job stored')
    t.notOk(logs.text().includes(SOURCE_TOKEN), 'the source token is not logged')
  })
}

t.test('an unverified source (verify: none) accepts without a token', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/hooks/open', payload: { email: 'x@example.com' } })
  t.equal(res.statusCode, 202)
  t.same(res.json().tags, ['open'])
})

t.test('every log line of a request carries its event id; no token is logged', async (t) => {
  const { app, logs } = await build(t)
  const res = await app.inject({
    method: 'POST',
    url: `/hooks/forms?token=${SOURCE_TOKEN}`,
    headers: { 'x-tagrelay-token': SOURCE_TOKEN },
    payload: signup,
  })
  const id = res.json().id as string
  const lines = logs.lines().filter((l) => l.eventId === id)
  t.ok(
    lines.some((l) => l.msg === 'event accepted'),
    'the accept line has the event id',
  )
  t.ok(
    lines.some((l) => l.msg === 'request completed'),
    'the request line has the event id',
  )
  t.notOk(logs.text().includes(SOURCE_TOKEN), 'the token sent in header and query never appears in logs')
  t.match(
    lines.find((l) => l.msg === 'request completed'),
    { req: { url: '/hooks/forms?token=%5Bredacted%5D' } },
  )
})

t.test('a store failure answers 500 and says nothing was stored', async (t) => {
  const { app, store } = await build(t)
  store.intake.accept = async () => {
    throw new Error('disk I/O error')
  }
  const res = await app.inject({
    method: 'POST',
    url: '/hooks/forms',
    headers: { 'x-tagrelay-token': SOURCE_TOKEN },
    payload: signup,
  })
  t.equal(res.statusCode, 500)
  t.match(res.json(), { code: 'TAGRELAY_INTERNAL', message: /not stored/ })
  t.notMatch(res.body, /disk I\/O/, 'internal details are not echoed')
})
