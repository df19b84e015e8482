import t from 'tap'
import { request } from 'undici'
import { LOC_MAIN, LOC_OTHER, sandboxFor, TOKEN_MAIN, TOKEN_OTHER } from '../highlevel/fixtures/helpers.js'

const VERSION = '2021-07-28'

async function call(
  url: string,
  opts: {
    method?: 'GET' | 'POST' | 'DELETE'
    token?: string | null
    version?: string | null
    body?: string
    type?: string
  } = {},
) {
  const headers: Record<string, string> = {}
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? TOKEN_MAIN}`
  if (opts.version !== null) headers.version = opts.version ?? VERSION
  if (opts.body !== undefined) headers['content-type'] = opts.type ?? 'application/json'
  const res = await request(url, { method: opts.method ?? 'GET', headers, body: opts.body })
  const text = await res.body.text()
  return {
    status: res.statusCode,
    headers: res.headers,
    json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
  }
}

t.test('auth and Version checks', async (t) => {
  const sandbox = await sandboxFor(t)
  const search = `${sandbox.url}/contacts/search/duplicate?locationId=${LOC_MAIN}&email=a%40b.c`
  t.same((await call(search, { token: null })).json, { statusCode: 401, message: 'Invalid JWT', error: 'Unauthorized' })
  t.equal((await call(search, { token: 'unknown' })).status, 401)
  t.equal((await call(search, { token: '__proto__' })).status, 401)
  t.equal((await call(search, { token: null, version: null })).status, 401, 'auth is checked before Version')
  t.same((await call(search, { version: null })).json, { statusCode: 400, message: 'Version header was not found' })
  t.equal((await call(search, { version: '2021-04-15' })).status, 400)
  t.same((await call(search)).json, { contact: null })
})

t.test('add tags validation', async (t) => {
  const sandbox = await sandboxFor(t)
  const c = sandbox.seedContact({ locationId: LOC_MAIN, tags: ['Old'] })
  const url = `${sandbox.url}/contacts/${c.id}/tags`
  const post = (body: string, type?: string) => call(url, { method: 'POST', body, type: type ?? 'application/json' })

  const badJson = await post('{"tags": [oops')
  t.equal(badJson.status, 400)
  t.match(badJson.json?.message, /^Unexpected token/)
  const cases: [string, string][] = [
    ['{}', 'tags must be an array'],
    ['{"tags":"vip"}', 'tags must be an array'],
    ['[]', 'tags must be an array'],
    ['null', 'tags must be an array'],
    ['{"tags":[1]}', 'each value in tags must be a string'],
    ['{"tags":["a"],"locationId":"x"}', 'property locationId should not exist'],
  ]
  for (const [body, message] of cases) {
    const res = await post(body)
    t.equal(res.status, 422, body)
    t.same(res.json, { statusCode: 422, message: [message], error: 'Unprocessable Entity' })
  }
  t.equal((await post('tags=vip', 'application/x-www-form-urlencoded')).status, 422, 'non-JSON bodies are ignored')
  t.equal((await post('')).status, 422)
  t.same(sandbox.getContact(c.id)?.tags, ['old'], 'nothing changed')

  const ok = await post('{"tags":["VIP ", "old", "vip"]}')
  t.equal(ok.status, 201)
  t.same(ok.json, { tags: ['old', 'vip'] })

  const missing = await call(`${sandbox.url}/contacts/nope/tags`, { method: 'POST', body: '{"tags":["a"]}' })
  t.same(missing, {
    status: 400,
    headers: missing.headers,
    json: { statusCode: 400, message: 'Contact with id nope not found' },
  })
})

t.test('cross-location access is 403', async (t) => {
  const sandbox = await sandboxFor(t)
  const theirs = sandbox.seedContact({ locationId: LOC_OTHER, email: 'bob@example.com' })
  const forbidden = { statusCode: 403, message: 'The token does not have access to this location.' }
  const add = await call(`${sandbox.url}/contacts/${theirs.id}/tags`, { method: 'POST', body: '{"tags":["a"]}' })
  t.equal(add.status, 403)
  t.same(add.json, forbidden)
  const search = await call(`${sandbox.url}/contacts/search/duplicate?locationId=${LOC_OTHER}&email=bob%40example.com`)
  t.same([search.status, search.json], [403, forbidden])
  const own = await call(`${sandbox.url}/contacts/search/duplicate?locationId=${LOC_OTHER}&email=BOB%40example.com`, {
    token: TOKEN_OTHER,
  })
  t.equal((own.json?.contact as { id: string }).id, theirs.id)
  t.equal((await call(`${sandbox.url}/contacts/search/duplicate?email=a%40b.c`)).status, 422, 'locationId is required')
})

t.test('unknown routes, huge bodies and garbage never crash it', async (t) => {
  const sandbox = await sandboxFor(t)
  t.same((await call(`${sandbox.url}/x`)).json, { statusCode: 404, message: 'Cannot GET /x', error: 'Not Found' })
  t.equal((await call(`${sandbox.url}/contacts/abc/tags`)).status, 404, 'GET on the tags route')
  t.equal((await call(`${sandbox.url}/contacts/%zz/tags`, { method: 'POST', body: '{}' })).status, 404)
  const big = await call(`${sandbox.url}/contacts/abc/tags`, {
    method: 'POST',
    body: JSON.stringify({ tags: ['x'.repeat(1024 * 1024)] }),
  })
  t.equal(big.status, 413)
  t.equal((await call(`${sandbox.url}/contacts/abc/tags`, { method: 'POST', body: '\u0000\xff{{{' })).status, 400)
  t.same((await call(`${sandbox.url}/contacts/search/duplicate?locationId=${LOC_MAIN}`)).json, { contact: null })
  t.equal(sandbox.calls.unmatched, 3)
  t.equal(sandbox.calls.total, 6)
})

t.test('rate-limit headers count per location', async (t) => {
  const sandbox = await sandboxFor(t)
  const url = `${sandbox.url}/contacts/search/duplicate?locationId=${LOC_MAIN}`
  const first = await call(url)
  const second = await call(url)
  const other = await call(`${sandbox.url}/contacts/search/duplicate?locationId=${LOC_OTHER}`, { token: TOKEN_OTHER })
  t.equal(first.headers['x-ratelimit-max'], '100')
  t.equal(first.headers['x-ratelimit-interval-milliseconds'], '10000')
  t.equal(first.headers['x-ratelimit-limit-daily'], '200000')
  t.equal(first.headers['x-ratelimit-remaining'], '99')
  t.equal(second.headers['x-ratelimit-remaining'], '98')
  t.equal(second.headers['x-ratelimit-daily-remaining'], '199998')
  t.equal(other.headers['x-ratelimit-remaining'], '99')
})

t.test('failNext and the contact helpers', async (t) => {
  const sandbox = await sandboxFor(t)
  const a = sandbox.seedContact({ locationId: LOC_MAIN, email: 'A@Example.com', firstName: 'A' })
  t.match(a.id, /^[A-Za-z0-9]{20}$/)
  t.throws(() => sandbox.seedContact({ locationId: LOC_MAIN, id: a.id }))
  sandbox.seedContact({ locationId: LOC_OTHER, id: 'fixedid0000000000000' })
  t.equal(sandbox.findByEmail(LOC_MAIN, 'a@example.com')?.id, a.id)
  t.equal(sandbox.findByEmail(LOC_OTHER, 'a@example.com'), null)
  t.equal(sandbox.listContacts().length, 2)
  t.equal(sandbox.listContacts(LOC_OTHER)[0]?.id, 'fixedid0000000000000')
  t.equal(sandbox.getContact('missing'), undefined)

  const url = `${sandbox.url}/contacts/search/duplicate?locationId=${LOC_MAIN}`
  sandbox.failNext(429, 2)
  sandbox.failNext(502, 1, { custom: true })
  const limited = await call(url)
  t.equal(limited.status, 429)
  t.equal(limited.headers['retry-after'], '1')
  t.equal(limited.headers['x-ratelimit-max'], '100')
  t.equal((await call(url, { token: null })).status, 429, 'faults come before auth')
  t.same(await call(url).then((r) => [r.status, r.json]), [502, { custom: true }])
  t.equal((await call(url)).status, 200)
})

t.test('repeatedTagAdds counts adds of tags a contact already had, single and bulk', async (t) => {
  const sandbox = await sandboxFor(t)
  const a = sandbox.seedContact({ locationId: LOC_MAIN, tags: ['seeded'] })
  const b = sandbox.seedContact({ locationId: LOC_MAIN })
  t.same(sandbox.repeatedTagAdds(a.id), {}, 'nothing repeated yet')
  const add = (body: unknown) =>
    call(`${sandbox.url}/contacts/${a.id}/tags`, { method: 'POST', body: JSON.stringify(body) })
  t.equal((await add({ tags: ['new', 'Seeded'] })).status, 201)
  t.same(sandbox.repeatedTagAdds(a.id), { seeded: 1 }, 'a tag present at seed time counts; a new one does not')
  await add({ tags: ['new', 'NEW '] })
  t.same(sandbox.repeatedTagAdds(a.id), { seeded: 1, new: 1 }, 'the same tag twice in one call counts once')
  const bulk = await call(`${sandbox.url}/contacts/bulk/tags/update/add`, {
    method: 'POST',
    body: JSON.stringify({ locationId: LOC_MAIN, contacts: [a.id, b.id], tags: ['new'] }),
  })
  t.equal(bulk.status, 201)
  t.same(sandbox.repeatedTagAdds(a.id), { seeded: 1, new: 2 }, 'bulk adds count too')
  t.same(sandbox.repeatedTagAdds(b.id), {}, 'first add on the other contact')
  await call(`${sandbox.url}/contacts/${a.id}/tags`, { method: 'DELETE', body: '{"tags":["new"]}' })
  await add({ tags: ['new'] })
  t.same(sandbox.repeatedTagAdds(a.id), { seeded: 1, new: 2 }, 'adding back a removed tag is not a repeat')
  t.same(sandbox.repeatedTagAdds('missing'), {})
})
