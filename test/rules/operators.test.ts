import t from 'tap'
import { compileRules, ruleSchema } from '../../src/rules/index.js'
import type { RuleEvent } from '../../src/rules/index.js'
import { cpuMsConfirmed } from '../helpers/adversarial.js'

const compile = (rules: unknown[]) => compileRules(ruleSchema.array().parse(rules))

/** Whether `when` matches an event with `body` (plus headers/query when given). */
function matches(when: unknown, body: unknown, extra: Partial<RuleEvent> = {}): boolean {
  const rules = compile([{ name: 'r', source: 's', when, contact: { email: 'email' }, tags: ['hit'] }])
  return rules.evaluate({ source: 's', body, ...extra }).trace[0]!.matched
}

const rejects = (when: unknown) =>
  !ruleSchema.safeParse({ name: 'r', source: 's', when, contact: { email: 'e' }, tags: ['x'] }).success

t.test('not_equals is the negation of equals', async (t) => {
  t.ok(matches({ field: 'plan', not_equals: 'free' }, { plan: 'pro' }))
  t.notOk(matches({ field: 'plan', not_equals: 'free' }, { plan: 'FREE' }), 'case-insensitive')
  t.ok(matches({ field: 'plan', not_equals: 'free', case_sensitive: true }, { plan: 'FREE' }))
  t.ok(matches({ field: 'plan', not_equals: 'free' }, {}), 'a missing field is not equal')
  t.ok(matches({ field: 'plan', not_equals: 'free' }, { plan: { x: 1 } }), 'an object is not equal')
  t.notOk(matches({ field: 'n', not_equals: 3 }, { n: '3' }))
})

t.test('not_in', async (t) => {
  const when = { field: 'country', not_in: ['US', 'CA'] }
  t.ok(matches(when, { country: 'DE' }))
  t.notOk(matches(when, { country: 'us' }))
  t.ok(matches(when, {}), 'missing')
  t.ok(matches(when, { country: ['US'] }), 'wrong type (array) is in none of them')
  t.ok(rejects({ field: 'a', not_in: [] }))
})

t.test('starts_with and ends_with', async (t) => {
  t.ok(matches({ field: 'email', starts_with: 'ADA' }, { email: 'ada@example.com' }))
  t.notOk(matches({ field: 'email', starts_with: 'ADA', case_sensitive: true }, { email: 'ada@example.com' }))
  t.ok(matches({ field: 'email', ends_with: '@Example.com' }, { email: 'ada@example.com' }))
  t.notOk(matches({ field: 'email', ends_with: '.org' }, { email: 'ada@example.com' }))
  t.notOk(matches({ field: 'email', starts_with: 'a' }, {}), 'missing')
  t.notOk(matches({ field: 'code', starts_with: 4 }, { code: 42 }), 'a number field is not text')
  t.ok(matches({ field: 'code', starts_with: 4 }, { code: '42' }))
  t.notOk(matches({ field: 'email', ends_with: 'com' }, { email: ['a.com'] }), 'an array is not text')
})

t.test('contains honours case_sensitive', async (t) => {
  t.ok(matches({ field: 'note', contains: 'Demo' }, { note: 'a demo' }))
  t.notOk(matches({ field: 'note', contains: 'Demo', case_sensitive: true }, { note: 'a demo' }))
  t.notOk(matches({ field: 'tags', contains: 'VIP', case_sensitive: true }, { tags: ['vip'] }))
})

t.test('matches: RE2 regular expressions, compiled once, linear time', async (t) => {
  t.ok(
    matches({ field: 'email', matches: '@(gmail|yahoo)\\.com$' }, { email: 'ada@GMAIL.com' }),
    'case-insensitive by default',
  )
  t.notOk(matches({ field: 'email', matches: '@gmail\\.com$', case_sensitive: true }, { email: 'ada@GMAIL.com' }))
  t.ok(matches({ field: 'sku', matches: '^PRO-\\d{3}$' }, { sku: 'pro-123' }))
  t.notOk(matches({ field: 'sku', matches: '^PRO-\\d{3}$' }, { sku: 'pro-1234' }))
  t.notOk(matches({ field: 'sku', matches: '.*' }, {}), 'missing')
  t.notOk(matches({ field: 'sku', matches: '1' }, { sku: 1 }), 'a number is not text')
  t.ok(rejects({ field: 'a', matches: '(a' }), 'invalid syntax is refused at load')
  t.ok(rejects({ field: 'a', matches: '(?=a)b' }), 'look-ahead (not linear-time) is refused at load')
  t.ok(rejects({ field: 'a', matches: '(a)\\1' }), 'back-references are refused at load')
  const evil = '(a+)+$'
  let matched: boolean | undefined
  // CPU time, not wall time: a busy machine does not add to it (backtracking would take years)
  const ms = cpuMsConfirmed(
    () => (matched = matches({ field: 's', matches: evil }, { s: `${'a'.repeat(50_000)}!` })),
    2000,
  )
  t.notOk(matched)
  t.ok(ms < 2000, `a catastrophic-backtracking pattern runs in linear time (${ms.toFixed(0)} CPU ms)`)
})

t.test('empty', async (t) => {
  for (const v of [undefined, null, '', '   ', [], {}])
    t.ok(matches({ field: 'v', empty: true }, v === undefined ? {} : { v }), `${JSON.stringify(v)} is empty`)
  for (const v of ['x', 0, false, [1], { a: 1 }])
    t.notOk(matches({ field: 'v', empty: true }, { v }), `${JSON.stringify(v)} is not empty`)
  t.ok(matches({ field: 'v', empty: false }, { v: 'x' }))
  t.notOk(matches({ field: 'v', empty: false }, {}))
})

t.test('gt, gte, lt, lte with numbers', async (t) => {
  t.ok(matches({ field: 'total', gt: 100 }, { total: 100.5 }))
  t.notOk(matches({ field: 'total', gt: 100 }, { total: 100 }))
  t.ok(matches({ field: 'total', gte: 100 }, { total: '100' }), 'numeric strings compare as numbers')
  t.ok(matches({ field: 'total', lt: 10 }, { total: ' 9.99 ' }))
  t.notOk(matches({ field: 'total', lt: 10 }, { total: '10' }))
  t.ok(matches({ field: 'total', lte: 10 }, { total: 10 }))
  t.ok(matches({ field: 'total', lt: 0 }, { total: '-5' }))
  t.notOk(matches({ field: 'total', gt: 1 }, {}), 'missing')
  t.notOk(matches({ field: 'total', gt: 1 }, { total: 'lots' }), 'non-numeric text')
  t.notOk(matches({ field: 'total', gt: 1 }, { total: true }), 'boolean')
  t.notOk(matches({ field: 'total', gt: 1 }, { total: [5] }), 'array')
  t.notOk(matches({ field: 'total', gt: 1 }, { total: '' }), 'empty string is not 0')
  t.notOk(matches({ field: 'total', gt: 1 }, { total: '2026-01-01' }), 'a date is not a number')
  t.ok(rejects({ field: 'a', gt: 'ten' }), 'a bound must be a number or an ISO date')
})

t.test('gt, lt and between with ISO dates', async (t) => {
  t.ok(matches({ field: 'at', gt: '2026-01-01' }, { at: '2026-03-01T10:00:00Z' }))
  t.notOk(matches({ field: 'at', gt: '2026-01-01' }, { at: '2025-12-31T23:59:59Z' }))
  t.ok(matches({ field: 'at', lte: '2026-01-01T00:00:00Z' }, { at: '2026-01-01' }), 'a date is midnight UTC')
  t.ok(
    matches({ field: 'at', gte: '2026-01-01T00:00:00+02:00' }, { at: '2025-12-31T23:00:00Z' }),
    'offsets are honoured',
  )
  t.notOk(matches({ field: 'at', gt: '2026-01-01' }, { at: 1767225600000 }), 'a number is not a date')
  t.notOk(matches({ field: 'at', gt: '2026-01-01' }, { at: 'next tuesday' }))
  t.notOk(matches({ field: 'at', gt: '2026-01-01' }, {}))
  const nov = { field: 'at', between: ['2026-11-01', '2026-11-30T23:59:59Z'] }
  t.ok(matches(nov, { at: '2026-11-20T14:32:00Z' }))
  t.ok(matches(nov, { at: '2026-11-01' }), 'bounds are inclusive')
  t.notOk(matches(nov, { at: '2026-12-01' }))
  t.notOk(matches(nov, { at: 'x' }))
  t.ok(rejects({ field: 'a', gt: '2026-13-45' }), 'an impossible date is refused')
})

t.test('between with numbers', async (t) => {
  t.ok(matches({ field: 'n', between: [1, 10] }, { n: 1 }))
  t.ok(matches({ field: 'n', between: [1, 10] }, { n: '10' }))
  t.notOk(matches({ field: 'n', between: [1, 10] }, { n: 10.01 }))
  t.notOk(matches({ field: 'n', between: [1, 10] }, {}))
  t.notOk(matches({ field: 'n', between: [1, 10] }, { n: 'five' }))
  t.ok(rejects({ field: 'n', between: [10, 1] }), 'low above high')
  t.ok(rejects({ field: 'n', between: [1, '2026-01-01'] }), 'a number and a date')
  t.ok(rejects({ field: 'n', between: [1] }), 'one bound')
})

t.test('a wildcard matches if any element matches; negative forms if none does', async (t) => {
  const order = { items: [{ sku: 'TSHIRT', qty: 1 }, { sku: 'PRO-PLAN', qty: 2 }, { name: 'no sku' }] }
  t.ok(matches({ field: 'items[*].sku', equals: 'pro-plan' }, order))
  t.notOk(matches({ field: 'items[*].sku', equals: 'mug' }, order))
  t.ok(matches({ field: 'items[*].qty', gte: 2 }, order))
  t.ok(matches({ field: 'items[*].sku', starts_with: 'PRO-' }, order))
  t.ok(matches({ field: 'items[*].sku', not_in: ['MUG'] }, order), 'no element is a mug')
  t.notOk(matches({ field: 'items[*].sku', not_equals: 'TSHIRT' }, order), 'one element is a t-shirt')
  t.ok(matches({ field: 'items[*].sku', exists: false }, { items: [{ name: 'x' }] }))
  t.notOk(matches({ field: 'items[*].sku', exists: true }, { items: [] }), 'an empty list has no element to match')
  t.notOk(matches({ field: 'items[*].sku', equals: 'x' }, {}), 'missing list')
  t.notOk(matches({ field: 'items[*].sku', equals: 'x' }, { items: 'x' }), 'not a list')
  t.ok(
    matches(
      { field: 'groups[*].items[*].sku', equals: 'b' },
      { groups: [{ items: [{ sku: 'a' }] }, { items: [{ sku: 'b' }] }] },
    ),
    'nested wildcards',
  )

  const rules = compile([
    {
      name: 'r',
      source: 's',
      when: { field: 'items[*].sku', equals: 'pro-plan' },
      contact: { email: 'e' },
      tags: ['x'],
    },
  ])
  const cond = rules.evaluate({ source: 's', body: order }).trace[0]!.condition as { found: unknown; note: string }
  t.same(cond.found, ['TSHIRT', 'PRO-PLAN', undefined], 'the trace lists the values found')
  t.equal(cond.note, '1 of 3 elements match')
})

t.test('$headers, $query, $source and $receivedAt', async (t) => {
  const extra = {
    headers: { 'user-agent': 'Typeform Webhooks' },
    query: { campaign: 'spring' },
    receivedAt: Date.parse('2026-11-20T14:32:00Z'),
  }
  t.ok(
    matches({ field: '$headers.User-Agent', starts_with: 'typeform' }, {}, extra),
    'header names are case-insensitive',
  )
  t.notOk(matches({ field: '$headers.x-missing', exists: true }, {}, extra))
  t.ok(matches({ field: '$query.campaign', equals: 'spring' }, {}, extra))
  t.notOk(matches({ field: '$query.other', exists: true }, {}, extra))
  t.notOk(matches({ field: '$query.campaign', exists: true }, {}), 'no query at all')
  t.ok(matches({ field: '$source', equals: 's' }, {}))
  t.ok(matches({ field: '$receivedAt', between: ['2026-11-01', '2026-12-01'] }, {}, extra))
  t.notOk(matches({ field: '$receivedAt', exists: true }, {}), 'no receivedAt given')
  t.ok(
    matches({ field: '$headers.accept', equals: 'a' }, {}, { headers: { accept: ['a', 'b'] } }),
    'a repeated header reads as its first value',
  )
  t.ok(matches({ field: '$source', equals: 's' }, {}))
  for (const bad of ['$body.x', '$headers', '$headers.a.b', '$source.x', '$query[0]'])
    t.ok(rejects({ field: bad, exists: true }), `${bad} is refused`)
})

t.test('a condition needs exactly one known operator', async (t) => {
  t.ok(rejects({ field: 'a', equal: 1 }), 'a typo is an unknown key')
  t.ok(rejects({ field: 'a', gt: 1, lt: 5 }), 'two operators')
  t.ok(rejects({ field: 'a', exists: 'yes' }), 'wrong value type')
  t.ok(rejects({ field: 'a', case_sensitive: true }), 'case_sensitive alone')
})
