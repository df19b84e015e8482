import t from 'tap'
import { request } from 'undici'
import { z } from 'zod'
import { HighLevelClient, HIGHLEVEL_API_VERSION } from '../../src/highlevel/index.js'
import { recordingProxy } from '../highlevel/contract/recorder.js'
import { authMain, LOC_MAIN, LOC_OTHER, sandboxFor, TOKEN_MAIN } from '../highlevel/fixtures/helpers.js'
import { ManualClock } from '../helpers/manual-clock.js'

/**
 * The documented body of Search Contacts (FACTS.md, "Search Contacts"; the official spec
 * leaves SearchBodyV2DTO empty): written from the documentation, not from the client.
 */
const filter = z.strictObject({
  field: z.enum(['email', 'phone', 'firstNameLowerCase', 'lastNameLowerCase', 'tags', 'dnd', 'dateAdded']),
  operator: z.enum(['eq', 'not_eq', 'contains', 'not_contains', 'exists', 'not_exists', 'range']),
  value: z.string().max(75),
})
const documentedBody = z.strictObject({
  locationId: z.string().min(1),
  pageLimit: z.number().int().min(1).max(500),
  page: z.number().int().min(1).optional(),
  searchAfter: z.array(z.unknown()).optional(),
  filters: z.array(z.union([filter, z.strictObject({ group: z.enum(['OR', 'AND']), filters: z.array(filter) })])),
  sort: z.array(z.unknown()).optional(),
  query: z.string().max(75).optional(),
})

const raw = (url: string, body: unknown) =>
  request(`${url}/contacts/search`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN_MAIN}`,
      version: HIGHLEVEL_API_VERSION,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.statusCode, body: (await r.body.json()) as Record<string, unknown> }))

t.test('one call finds many people by email or phone, with the documented body', async (t) => {
  const sandbox = await sandboxFor(t)
  const ada = sandbox.seedContact({ locationId: LOC_MAIN, email: 'ada@example.com' })
  const bob = sandbox.seedContact({ locationId: LOC_MAIN, phone: '+14155550100' })
  sandbox.seedContact({ locationId: LOC_MAIN, email: 'carol@example.com' })
  sandbox.seedContact({ locationId: LOC_OTHER, email: 'ada@example.com' })
  const proxy = await recordingProxy(t, sandbox.url)
  const client = new HighLevelClient({ baseUrl: proxy.url })
  t.teardown(() => client.close())

  const found = await client.searchContacts(authMain, [
    { email: 'ADA@example.com' },
    { phone: '+1 415 555 0100' },
    { email: 'nobody@example.com' },
  ])
  t.same(found.map((c) => c.id).sort(), [ada.id, bob.id].sort(), 'both people, nobody else, only this location')
  t.equal(sandbox.calls['POST /contacts/search'], 1, 'one call for three people')
  const sent = JSON.parse(proxy.exchanges[0]!.requestBody.toString()) as unknown
  const checked = documentedBody.safeParse(sent)
  t.ok(checked.success, checked.success ? 'the body has the documented shape' : JSON.stringify(checked.error.issues))
  t.match(sent, { filters: [{ group: 'OR', filters: [{ field: 'email', operator: 'eq' }, { field: 'phone' }, {}] }] })
})

t.test('a contact created through upsert reaches search only after the index delay', async (t) => {
  // a minute of sandbox time at clock x100: 600 ms of a manual clock's time
  const clock = new ManualClock()
  const sandbox = await sandboxFor(t, { clockScale: 100, searchIndexDelayMs: 60_000, clock })
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  const { contact } = await client.upsertContact(authMain, { email: 'new@example.com' })
  t.same(await client.searchContacts(authMain, [{ email: 'new@example.com' }]), [], 'search does not see it yet')
  t.equal((await client.findContact(authMain, { email: 'new@example.com' }))?.id, contact.id, 'duplicate search does')
  await clock.advance(599)
  t.same(await client.searchContacts(authMain, [{ email: 'new@example.com' }]), [], 'not 100 sandbox ms before')
  await clock.advance(1)
  t.same(
    (await client.searchContacts(authMain, [{ email: 'new@example.com' }])).map((c) => c.id),
    [contact.id],
    'search sees it once indexed',
  )
})

t.test('limits: value length, OR group size, page size, fields, location', async (t) => {
  const sandbox = await sandboxFor(t, { searchOrGroupLimit: 3 })
  const eq = (value: string) => ({ field: 'email', operator: 'eq', value })
  const base = { locationId: LOC_MAIN, pageLimit: 10 }
  const long = `${'a'.repeat(64)}@example.com`
  t.equal((await raw(sandbox.url, { ...base, filters: [eq(long)] })).status, 400, '76 characters: 400')
  t.equal((await raw(sandbox.url, { ...base, filters: [eq(long.slice(1))] })).status, 200, '75 characters: fine')
  const four = { group: 'OR', filters: ['a', 'b', 'c', 'd'].map((x) => eq(`${x}@x.io`)) }
  t.match(await raw(sandbox.url, { ...base, filters: [four] }), { status: 400, body: { message: /at most 3/ } })
  t.equal((await raw(sandbox.url, { ...base, pageLimit: 501, filters: [] })).status, 422)
  t.equal((await raw(sandbox.url, { locationId: LOC_MAIN, filters: [] })).status, 422, 'pageLimit is required')
  t.equal((await raw(sandbox.url, { ...base, filters: [{ field: 'city', operator: 'eq', value: 'x' }] })).status, 422)
  t.equal((await raw(sandbox.url, { ...base, locationId: LOC_OTHER, filters: [] })).status, 403)
  t.equal((await raw(sandbox.url, { ...base, page: 1001, filters: [] })).status, 400, 'past 10,000 records')

  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  await t.rejects(client.searchContacts(authMain, [{ email: long }]), RangeError, 'the client never sends 76')
})

t.test('more than 500 matches come back over several pages', async (t) => {
  const sandbox = await sandboxFor(t, { searchOrGroupLimit: 1_000 })
  const emails = Array.from({ length: 620 }, (_, i) => `p${i}@example.com`)
  for (const email of emails) sandbox.seedContact({ locationId: LOC_MAIN, email })
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  const found = await client.searchContacts(
    authMain,
    emails.map((email) => ({ email })),
  )
  t.equal(new Set(found.map((c) => c.email)).size, 620)
  t.equal(sandbox.calls['POST /contacts/search'], 2, 'pages of 500')
})
