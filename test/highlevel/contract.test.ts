import t, { type Test } from 'tap'
import { HighLevelClient, HighLevelRequestError, OAuthAuth, PrivateIntegrationAuth } from '../../src/highlevel/index.js'
import { violations, type Exchange } from './contract/contract.js'
import { OpenApiContract } from './contract/openapi.js'
import { recordingProxy } from './contract/recorder.js'
import { LOC_MAIN, LOC_OTHER, sandboxFor, TOKEN_MAIN } from './fixtures/helpers.js'
import { memoryTokenStore } from './fixtures/oauth.js'

const contract = new OpenApiContract()

function assertConforms(t: Test, exchanges: Exchange[]): void {
  const found = exchanges.flatMap((ex) => violations(contract, ex))
  t.same(found, [], `all ${exchanges.length} exchanges follow the official contract`)
}

t.test('every client method, against the sandbox, speaks the official contract both ways', async (t) => {
  const sandbox = await sandboxFor(t, { oauthClients: { 'client-1': 'secret-1' } })
  const proxy = await recordingProxy(t, sandbox.url)
  const client = new HighLevelClient({ baseUrl: proxy.url })
  t.teardown(() => client.close())
  const pit = new PrivateIntegrationAuth(LOC_MAIN, TOKEN_MAIN)
  const ann = sandbox.seedContact({
    locationId: LOC_MAIN,
    email: 'ann+promo@example.com',
    phone: '+14231645160',
    tags: ['Old'],
  })
  const theirs = sandbox.seedContact({ locationId: LOC_OTHER, email: 'bob@example.com' })

  t.same(await client.addTags(pit, ann.id, ['VIP', 'webinar']), { tags: ['old', 'vip', 'webinar'] })
  t.same(await client.removeTags(pit, ann.id, ['OLD']), { tags: ['vip', 'webinar'] })
  t.equal((await client.findContact(pit, { email: 'Ann+Promo@example.com' }))?.id, ann.id)
  t.equal((await client.findContact(pit, { phone: '+1 423 164 5160' }))?.id, ann.id, 'phone is searched as `number`')
  t.equal(await client.findContact(pit, { email: 'nobody@example.com' }), null)
  t.equal((await client.getContact(pit, ann.id)).email, 'ann+promo@example.com')
  const created = await client.upsertContact(pit, { email: 'new@example.com', firstName: 'New', phone: '+15550100' })
  t.equal(created.created, true)
  const updated = await client.upsertContact(pit, { email: 'ANN+promo@example.com', lastName: 'Lovelace' })
  t.same(
    [updated.created, updated.contact.id, updated.contact.tags],
    [false, ann.id, ['vip', 'webinar']],
    'upsert left the tags alone',
  )

  const bulk = await client.bulkTags(
    pit,
    'add',
    [ann.id, created.contact.id, theirs.id, 'abc', 'zzzzzzzzzzzzzzzzzzzz'],
    ['bulk'],
  )
  t.same(
    bulk.results.map((r) => [r.contactId, r.ok, r.message]),
    [
      [ann.id, true, 'Tags updated'],
      [created.contact.id, true, 'Tags updated'],
      [theirs.id, false, 'contact does not belong to location'],
      ['abc', false, 'contact id is not a valid firebase id'],
      ['zzzzzzzzzzzzzzzzzzzz', false, 'contact not found'],
    ],
  )
  t.same([bulk.errorCount, bulk.missing], [3, []])
  const removed = await client.bulkTags(pit, 'remove', [ann.id], ['BULK'])
  t.same(removed.results, [{ contactId: ann.id, ok: true, message: 'Tags updated' }])
  t.same(sandbox.getContact(ann.id)?.tags, ['vip', 'webinar'])

  // Documented error answers: 400 unknown contact, 401 bad token, 422 bad body.
  await t.rejects(client.addTags(pit, 'sx6wyHhbFdRXh302LLNR', ['a']), HighLevelRequestError)
  t.match(await client.getContact(pit, 'sx6wyHhbFdRXh302LLNR').catch((e: unknown) => e), {
    status: 400,
    retryable: false,
  })
  t.match(
    await client.addTags({ locationId: LOC_MAIN, accessToken: () => 'wrong' }, ann.id, ['a']).catch((e: unknown) => e),
    { status: 401 },
  )

  // OAuth: the token endpoint, then API calls with the issued token.
  const oauth = new OAuthAuth({
    locationId: LOC_MAIN,
    clientId: 'client-1',
    clientSecret: 'secret-1',
    refreshToken: sandbox.issueRefreshToken('client-1', LOC_MAIN),
    refreshMarginMs: 300_000,
    userType: 'Location',
    store: memoryTokenStore(),
    exchange: (g) => client.refreshAccessToken(g),
  })
  t.same((await client.addTags(oauth, ann.id, ['via-oauth'])).tags, ['vip', 'webinar', 'via-oauth'])

  const paths = new Set(
    proxy.exchanges.map((e) => `${e.method} ${e.url.split('?')[0]?.replace(/[A-Za-z0-9]{20}/, ':id')}`),
  )
  t.same(
    [...paths].sort(),
    [
      'DELETE /contacts/:id/tags',
      'GET /contacts/:id',
      'GET /contacts/search/duplicate',
      'POST /contacts/:id/tags',
      'POST /contacts/bulk/tags/update/add',
      'POST /contacts/bulk/tags/update/remove',
      'POST /contacts/upsert',
      'POST /oauth/token',
    ],
    'every endpoint was exercised',
  )
  t.ok(proxy.exchanges.some((e) => e.status === 400) && proxy.exchanges.some((e) => e.status === 401))
  assertConforms(t, proxy.exchanges)
  for (const ex of proxy.exchanges.filter((e) => e.url === '/contacts/upsert')) {
    t.notOk('tags' in (JSON.parse(ex.requestBody.toString()) as object), 'upsert never carries tags on the wire')
  }
})

t.test('upsert refuses tags before anything is sent', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  const pit = new PrivateIntegrationAuth(LOC_MAIN, TOKEN_MAIN)
  const sneaky = { email: 'a@example.com', tags: ['x'] } as unknown as Parameters<HighLevelClient['upsertContact']>[1]
  await t.rejects(client.upsertContact(pit, sneaky), TypeError)
  await t.rejects(client.upsertContact(pit, { email: 'a@example.com', customField: 1 } as never), TypeError)
  await t.rejects(client.upsertContact(pit, { firstName: 'no key' }), TypeError)
  t.equal(sandbox.calls.total, 0)
})

t.test('the checker catches what the contract forbids', async (t) => {
  const ok: Exchange = {
    method: 'POST',
    url: '/contacts/sx6wyHhbFdRXh302LLNR/tags',
    requestHeaders: { authorization: 'Bearer x', version: '2021-07-28', 'content-type': 'application/json' },
    requestBody: Buffer.from('{"tags":["a"]}'),
    status: 201,
    responseHeaders: { 'content-type': 'application/json' },
    responseBody: Buffer.from('{"tags":["a"]}'),
  }
  t.same(violations(contract, ok), [])
  const broken = (patch: Partial<Exchange>) => violations(contract, { ...ok, ...patch })
  t.match(broken({ requestHeaders: { ...ok.requestHeaders, version: '2021-04-15' } }), [/header parameter Version/])
  t.match(broken({ requestHeaders: { authorization: 'Bearer x', 'content-type': 'application/json' } }), [
    /Version missing/,
  ])
  t.match(broken({ requestHeaders: { version: '2021-07-28', 'content-type': 'application/json' } }), [
    /no bearer token/,
  ])
  t.match(broken({ requestBody: Buffer.from('{"tags":"a"}') }), [/request body/])
  t.match(broken({ requestBody: Buffer.from('{"tags":["a"],"locationId":"x"}') }), [/undocumented field locationId/])
  t.match(broken({ status: 204 }), [/status 204 is not documented/])
  t.match(broken({ responseBody: Buffer.from('{"tags":"a"}') }), [/response 201/])
  t.match(broken({ url: '/contacts/x/tagz' }), [/no such operation/])
  const upsertWithExtra = {
    ...ok,
    url: '/contacts/upsert',
    requestBody: Buffer.from('{"locationId":"l","mood":"x"}'),
    status: 200,
    responseBody: Buffer.from('{"new":true}'),
  }
  t.match(violations(contract, upsertWithExtra), [/undocumented field mood/])
  const search = {
    ...ok,
    method: 'GET',
    url: '/contacts/search/duplicate?email=a%40b.c&phone=1',
    requestBody: Buffer.alloc(0),
    status: 200,
  }
  t.match(violations(contract, search), [
    /required query parameter locationId missing/,
    /undocumented query parameter phone/,
  ])
})
