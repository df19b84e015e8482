import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { testRule } from '../../src/commands/test-rule.js'
import { ADMIN_TOKEN, build, SOURCE_TOKEN, tempDir } from '../helpers/build.js'

const EU_ID = 'eu7EPM428h8vShlRW1KT'

/** Several rules per event: a header rule, a location override, a rule on the (secret) token, create:. */
const rules = [
  {
    name: 'tiered',
    source: 'shop',
    when: { field: '$headers.x-shop-tier', exists: true },
    contact: { email: 'customer.email' },
    tags: ['tier-{{ $headers.x-shop-tier | slug }}'],
  },
  {
    name: 'eu buyer',
    source: 'shop',
    location: 'eu',
    when: { field: 'customer.country', in: ['DE', 'FR'] },
    contact: { phone: 'customer.phone', create: { firstName: 'customer.name' } },
    tags: ['eu-buyer'],
  },
  {
    // rules see the token redacted: this must never match, however the request is given
    name: 'token peek',
    source: 'shop',
    when: { field: '$headers.x-tagrelay-token', equals: SOURCE_TOKEN },
    contact: { email: 'customer.email' },
    tags: ['saw-the-token'],
  },
  {
    name: 'no contact',
    source: 'shop',
    when: { field: 'total', gte: 100 },
    contact: { email: 'customer.missing' },
    tags: ['big'],
  },
]

const payload = {
  total: 150,
  customer: { email: 'Ada@Example.com', phone: '+49 30 901820', country: 'DE', name: 'Ada' },
}

t.test('the webhook, the admin rules tester and tagrelay test-rule give the same answer', async (t) => {
  const { app, store, config } = await build(t, {
    sources: { shop: { location: 'main', verify: { type: 'token', token: SOURCE_TOKEN } } },
    locations: { eu: { locationId: EU_ID, auth: { type: 'private-integration', token: 'pit-eu-0123456789abcdef' } } },
    rules,
    extra: { admin: { token: ADMIN_TOKEN } },
  })
  const headers = { 'x-tagrelay-token': SOURCE_TOKEN, 'X-Shop-Tier': 'Gold Plus' }

  const hook = await app.inject({ method: 'POST', url: '/hooks/shop', headers, payload })
  t.equal(hook.statusCode, 202, hook.body)
  const accepted = hook.json() as { id: string; tags: string[]; rules: string[]; unresolved?: unknown[] }
  const stored = await store.trail.getEvent(accepted.id)

  const admin = await app.inject({
    method: 'POST',
    url: '/admin/rules/test',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { source: 'shop', payload, headers },
  })
  t.equal(admin.statusCode, 200, admin.body)
  const tested = admin.json() as Record<string, unknown>

  const dir = tempDir(t)
  const file = (name: string, value: unknown): string => {
    writeFileSync(join(dir, name), JSON.stringify(value))
    return join(dir, name)
  }
  const cli = JSON.parse(
    testRule({
      config: file('tagrelay.json', config),
      source: 'shop',
      payload: file('payload.json', payload),
      headers: file('headers.json', headers),
      json: true,
    }),
  ) as Record<string, unknown>

  t.same(accepted.tags, ['tier-gold-plus', 'eu-buyer'], 'the header rule and the EU rule tag; the token rule does not')
  t.same(accepted.rules, ['tiered', 'eu buyer', 'no contact'])
  t.match(accepted.unresolved, [{ rule: 'no contact' }])
  t.same(tested.tags, accepted.tags, 'admin tester: same tags')
  t.same(cli.tags, accepted.tags, 'test-rule: same tags')
  const jobs = (stored?.jobs ?? []).map((j) => ({
    location: j.location,
    contact: j.contact,
    add: j.add,
    rules: j.rules,
  }))
  const intentsOf = (answer: Record<string, unknown>): unknown[] =>
    (answer.intents as Array<Record<string, unknown>>).map((i) => ({
      location: i.location,
      contact: i.contact,
      add: i.add,
      rules: i.rules,
    }))
  t.same(intentsOf(tested), jobs, 'admin tester: the intents are the stored jobs (source location filled in)')
  t.same(intentsOf(cli), jobs, 'test-rule: the intents are the stored jobs (source location filled in)')
  t.same(
    jobs.map((j) => j.location),
    ['main', 'eu'],
  )
  t.same(cli, tested, 'test-rule --json answers exactly what the admin tester answers')
  t.equal(stored?.headers['x-tagrelay-token'], '[redacted]', 'the stored headers hold no token')
  t.match(cli.trace, [{}, {}, { rule: 'token peek', condition: { found: '[redacted]' } }], 'test-rule: token masked')
})
