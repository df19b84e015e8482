import t from 'tap'
import { Agent } from 'undici'
import { HighLevelClient } from '../../src/highlevel/index.js'
import { authMain, LOC_MAIN, LOC_OTHER, rawServer, sandboxFor, TOKEN_MAIN } from './fixtures/helpers.js'

t.test('addTags against the sandbox: lowercased, trimmed, de-duplicated', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  const contact = sandbox.seedContact({ locationId: LOC_MAIN, email: 'ann@example.com', tags: ['Existing'] })

  const result = await client.addTags(authMain, contact.id, [' VIP ', 'vip', 'Webinar-2026', 'existing'])
  t.same(result, { tags: ['existing', 'vip', 'webinar-2026'] })
  t.same(sandbox.getContact(contact.id)?.tags, ['existing', 'vip', 'webinar-2026'])

  const again = await client.addTags(authMain, contact.id, ['VIP'])
  t.same(again.tags, ['existing', 'vip', 'webinar-2026'], 'adding a tag twice is a no-op')
  t.equal(sandbox.calls['POST /contacts/:contactId/tags'], 2)
  t.equal(sandbox.calls.total, 2)
})

t.test('findContactByEmail: case-insensitive match, + and @ survive, null when absent', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  const ann = sandbox.seedContact({ locationId: LOC_MAIN, email: 'ann+promo@example.com', firstName: 'Ann' })
  sandbox.seedContact({ locationId: LOC_OTHER, email: 'bob@example.com' })

  const found = await client.findContactByEmail(authMain, 'Ann+Promo@Example.com')
  t.equal(found?.id, ann.id)
  t.equal(found?.email, 'ann+promo@example.com')
  t.equal(found?.locationId, LOC_MAIN)
  t.equal(found?.['firstName'], 'Ann', 'extra fields are kept')
  t.equal(await client.findContactByEmail(authMain, 'nobody@example.com'), null)
  t.equal(await client.findContactByEmail(authMain, 'bob@example.com'), null, 'other locations are not searched')
  t.equal(sandbox.calls['GET /contacts/search/duplicate'], 3)
})

t.test('records the rate-limit headers per location', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  t.equal(client.lastRateLimit(LOC_MAIN), null)
  await client.findContactByEmail(authMain, 'a@example.com')
  await client.findContactByEmail(authMain, 'b@example.com')
  t.same(client.lastRateLimit(LOC_MAIN), {
    max: 100,
    remaining: 98,
    intervalMs: 10000,
    dailyLimit: 200000,
    dailyRemaining: 199998,
  })
  t.equal(client.lastRateLimit(LOC_OTHER), null)
})

t.test('sends the documented headers, JSON body, encoded path and query, base path prefix', async (t) => {
  const server = await rawServer(t, (req, res) => {
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' })
    res.end(req.method === 'POST' ? '{"tags":["a"],"traceId":"x"}' : '{"contact":null}')
  })
  const client = new HighLevelClient({ baseUrl: `${server.url}/api/` })
  t.teardown(() => client.close())

  t.same(await client.addTags(authMain, 'id/with space', ['A']), { tags: ['a'], traceId: 'x' })
  t.equal(await client.findContactByEmail(authMain, 'test+abc@gmail.com'), null)

  const [post, get] = server.seen
  t.equal(post?.method, 'POST')
  t.equal(post?.url, '/api/contacts/id%2Fwith%20space/tags')
  t.equal(post?.headers.authorization, `Bearer ${TOKEN_MAIN}`)
  t.equal(post?.headers.version, '2021-07-28')
  t.equal(post?.headers.accept, 'application/json')
  t.equal(post?.headers['content-type'], 'application/json')
  t.same(JSON.parse(post?.body ?? ''), { tags: ['A'] })
  t.equal(get?.method, 'GET')
  t.equal(get?.url, `/api/contacts/search/duplicate?locationId=${LOC_MAIN}&email=test%2Babc%40gmail.com`)
  t.equal(get?.headers.version, '2021-07-28')
  t.equal(get?.headers['content-type'], undefined)
})

t.test('an injected dispatcher is used and left open by close()', async (t) => {
  const sandbox = await sandboxFor(t)
  const agent = new Agent()
  t.teardown(() => agent.close())
  const client = new HighLevelClient({ baseUrl: sandbox.url, dispatcher: agent })
  const contact = sandbox.seedContact({ locationId: LOC_MAIN })
  t.same(await client.addTags(authMain, contact.id, ['x']), { tags: ['x'] })
  await client.close()
  t.notOk(agent.closed, 'the caller owns the dispatcher')
  const second = new HighLevelClient({ baseUrl: sandbox.url, dispatcher: agent })
  t.same(await second.addTags(authMain, contact.id, ['y']), { tags: ['x', 'y'] })
})

t.test('an empty contact id is refused before any request', async (t) => {
  const client = new HighLevelClient({ baseUrl: 'http://127.0.0.1:9' })
  t.teardown(() => client.close())
  await t.rejects(client.addTags(authMain, '', ['x']), TypeError)
})
