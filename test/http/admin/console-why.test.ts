import t from 'tap'
import { ADMIN_TOKEN, build, LOCATION_ID, SOURCE_TOKEN } from '../../helpers/build.js'

// The admin API behind the console's "why" answers: names in any case with warnings, a
// rule that did not match, the answer about one tag, suggestions, a 401 in words.
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }
const RULES = [
  {
    name: 'big-order',
    source: 'forms',
    when: { field: 'total', gte: 100 },
    contact: { email: 'email' },
    tags: ['VIP'],
  },
]

async function setup(t: Tap, extra: Parameters<typeof build>[1] = {}) {
  const built = await build(t, { extra: { admin: { token: ADMIN_TOKEN } }, rules: RULES, ...extra })
  const post = async (body: Record<string, unknown>): Promise<string> => {
    const res = await built.app.inject({
      method: 'POST',
      url: '/hooks/forms',
      headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
      payload: body,
    })
    t.equal(res.statusCode, 202, res.body)
    return res.json<{ id: string }>().id
  }
  const get = async (url: string) => (await built.app.inject({ url, headers: auth })).json()
  return { ...built, post, get }
}

t.test('filters match names in any case, warn about unknown ones, and find events a rule did not match', async (t) => {
  const { post, get } = await setup(t)
  const small = await post({ type: 'order', email: 'jane@example.com', total: 80 })
  const big = await post({ type: 'order', email: 'jane@example.com', total: 150 })
  const ids = (r: { events: Array<{ id: string }> }) => r.events.map((e) => e.id)

  t.same(ids(await get('/admin/events?source=FORMS&rule=Big-Order')), [big], 'source and rule in any case')
  t.same(ids(await get('/admin/events?tag=vip')), [big], 'a tag in any case')
  t.same(ids(await get('/admin/events?rule=big-order&ruleOutcome=missed')), [small], 'did not match')
  const unknown = await get('/admin/events?location=mai&source=calendly')
  t.same(unknown.events, [], 'nothing found')
  t.match(unknown.warnings, [/no source is named "calendly"/, /no location is named "mai": did you mean "main"\?/])
  t.same((await get('/admin/events')).warnings, [], 'no warning without a filter')

  const [row] = (await get(`/admin/events?contact=jane@example.com&limit=1`)).events
  t.match(row, { contact: { email: 'jane@example.com' }, location: 'main' }, 'who and where in every row')

  const trail = await get(`/admin/events/${small}?tag=VIP`)
  t.match(trail.whyTag, {
    tag: 'VIP',
    outcome: 'not-added',
    // the test config's own `vip` rule (contactId present) adds it too: both are named
    sentence:
      '`VIP` was not added: rule `vip` adds `VIP` only when `contactId` is present, and `contactId` was missing; rule `big-order` adds `VIP` only when `total` is ≥ 100, and `total` was 80.',
    rules: ['vip', 'big-order'],
  })
  t.match(trail, { contact: { email: 'jane@example.com' }, location: 'main' })
  t.notOk('whyTag' in (await get(`/admin/events/${small}`)), 'no tag asked: no whyTag')

  const names = await get('/admin/suggestions')
  t.match(names, { sources: ['forms', 'open'], locations: ['main'], locationCount: 1 })
  t.ok(names.rules.some((r: { name: string; source: string }) => r.name === 'big-order' && r.source === 'forms'))
  t.ok(names.tags.includes('VIP') && names.tags.includes('lead'), 'the tags the rules write')
})

t.test(
  'a location whose token HighLevel refuses (401) says the token is bad, not that a scope is missing',
  async (t) => {
    const failing = {
      locationId: LOCATION_ID,
      failingSince: Date.parse('2026-05-01T10:00:00Z'),
      lastErrorCode: 'TAGRELAY_HL_UNAUTHORIZED',
      lastErrorMessage: 'HighLevel answered 401',
      nextTryAt: null,
    }
    const { get } = await setup(t, {
      pauses: { locations: () => [], searchRefused: () => [LOCATION_ID], auth: () => [failing] },
    })
    const { locations, total } = await get('/admin/locations')
    t.equal(total, 1)
    t.match(locations[0].lookups, /token is bad or was revoked \(401\), not for a missing scope/)
    t.match(locations[0].auth, { reason: /the token is bad or was revoked/, failingSince: '2026-05-01T10:00:00.000Z' })
  },
)
