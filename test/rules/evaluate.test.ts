import t from 'tap'
import { compileRules, ruleSchema } from '../../src/rules/index.js'

const compile = (rules: unknown[]) => compileRules(ruleSchema.array().parse(rules))

/** One rule for source `s`, contact by `email`, tag `hit`, with the given condition. */
const ruleWhen = (when: unknown) =>
  compile([{ name: 'r', source: 's', when, contact: { email: 'email' }, tags: ['hit'] }])

/** Whether `when` matches `body` (the body gets a valid contact email). */
function matches(when: unknown, body: Record<string, unknown>): boolean {
  const { trace } = ruleWhen(when).evaluate({ source: 's', body: { email: 'a@example.com', ...body } })
  return trace[0]!.matched
}

t.test('equals', async (t) => {
  t.ok(matches({ field: 'plan', equals: 'pro' }, { plan: 'pro' }))
  t.ok(matches({ field: 'plan', equals: 'pro' }, { plan: 'PRO' }), 'strings compare case-insensitively')
  t.ok(matches({ field: 'plan', equals: 'Pro' }, { plan: 'pro' }))
  t.notOk(matches({ field: 'plan', equals: 'pro' }, { plan: 'pro plus' }))
  t.ok(matches({ field: 'qty', equals: 3 }, { qty: '3' }), 'a number equals its decimal string')
  t.ok(matches({ field: 'qty', equals: '3' }, { qty: 3 }))
  t.ok(matches({ field: 'qty', equals: 2.5 }, { qty: '2.5' }))
  t.notOk(matches({ field: 'qty', equals: 3 }, { qty: '03' }))
  t.ok(matches({ field: 'ok', equals: true }, { ok: true }))
  t.ok(matches({ field: 'ok', equals: true }, { ok: 'true' }), 'booleans sent as text still match')
  t.notOk(matches({ field: 'ok', equals: true }, { ok: false }))
  t.ok(matches({ field: 'v', equals: null }, { v: null }))
  t.notOk(matches({ field: 'v', equals: null }, {}), 'null does not equal a missing field')
  t.notOk(matches({ field: 'plan', equals: 'pro' }, {}), 'missing field')
  t.notOk(matches({ field: 'plan', equals: 'pro' }, { plan: { name: 'pro' } }), 'object where a scalar is expected')
  t.notOk(matches({ field: 'plan', equals: 'pro' }, { plan: ['pro'] }), 'array where a scalar is expected')
})

t.test('in', async (t) => {
  const when = { field: 'interest', in: ['Pricing', 'Demo', 5] }
  t.ok(matches(when, { interest: 'Pricing' }))
  t.ok(matches(when, { interest: 'demo' }), 'case-insensitive')
  t.ok(matches(when, { interest: '5' }))
  t.notOk(matches(when, { interest: 'Support' }))
  t.notOk(matches(when, {}))
  t.notOk(matches(when, { interest: ['Pricing'] }), 'an array is not one of the values')
  t.notOk(matches(when, { interest: { label: 'Pricing' } }))
})

t.test('exists', async (t) => {
  t.ok(matches({ field: 'utm', exists: true }, { utm: 'x' }))
  t.ok(matches({ field: 'utm', exists: true }, { utm: '' }), 'an empty string exists')
  t.ok(matches({ field: 'utm', exists: true }, { utm: 0 }))
  t.ok(matches({ field: 'utm', exists: true }, { utm: false }))
  t.ok(matches({ field: 'utm', exists: true }, { utm: {} }))
  t.notOk(matches({ field: 'utm', exists: true }, {}))
  t.notOk(matches({ field: 'utm', exists: true }, { utm: null }), 'null does not exist')
  t.ok(matches({ field: 'utm', exists: false }, {}))
  t.ok(matches({ field: 'utm', exists: false }, { utm: null }))
  t.notOk(matches({ field: 'utm', exists: false }, { utm: 'x' }))
})

t.test('contains', async (t) => {
  t.ok(matches({ field: 'note', contains: 'DEMO' }, { note: 'I want a demo please' }), 'substring, case-insensitive')
  t.notOk(matches({ field: 'note', contains: 'demo' }, { note: 'pricing' }))
  t.ok(matches({ field: 'tags', contains: 'VIP' }, { tags: ['new', 'vip'] }), 'array element, case-insensitive')
  t.notOk(
    matches({ field: 'tags', contains: 'vi' }, { tags: ['new', 'vip'] }),
    'array elements must equal, not contain',
  )
  t.ok(matches({ field: 'ids', contains: 5 }, { ids: [4, 5] }), 'number in an array')
  t.ok(matches({ field: 'ids', contains: 5 }, { ids: ['5'] }))
  t.ok(matches({ field: 'code', contains: 42 }, { code: 'A-42-B' }), 'number inside a string')
  t.notOk(matches({ field: 'note', contains: 'x' }, {}), 'missing field')
  t.notOk(matches({ field: 'note', contains: 'x' }, { note: { x: 1 } }), 'object field')
  t.notOk(matches({ field: 'note', contains: '1' }, { note: 1 }), 'a number field is not searched as text')
  t.notOk(matches({ field: 'tags', contains: 'vip' }, { tags: [{ name: 'vip' }] }), 'objects in an array never match')
})

t.test('all, any and not', async (t) => {
  const all = {
    all: [
      { field: 'a', equals: 1 },
      { field: 'b', equals: 2 },
    ],
  }
  t.ok(matches(all, { a: 1, b: 2 }))
  t.notOk(matches(all, { a: 1, b: 3 }))
  const any = {
    any: [
      { field: 'a', equals: 1 },
      { field: 'b', equals: 2 },
    ],
  }
  t.ok(matches(any, { a: 0, b: 2 }))
  t.notOk(matches(any, { a: 0, b: 0 }))
  t.ok(matches({ not: { field: 'test', equals: true } }, { test: false }))
  t.ok(matches({ not: { field: 'test', equals: true } }, {}))
  t.notOk(matches({ not: { field: 'test', equals: true } }, { test: true }))

  const nested = {
    all: [
      { field: 'status', equals: 'paid' },
      { not: { field: 'test', equals: true } },
      {
        any: [
          { field: 'plan', in: ['pro', 'enterprise'] },
          { field: 'total', equals: 1000 },
        ],
      },
    ],
  }
  t.ok(matches(nested, { status: 'paid', plan: 'pro' }))
  t.ok(matches(nested, { status: 'paid', total: '1000' }))
  t.notOk(matches(nested, { status: 'paid', plan: 'free', total: 5 }))
  t.notOk(matches(nested, { status: 'paid', plan: 'pro', test: true }))
  t.notOk(matches(nested, { status: 'refunded', plan: 'pro' }))
})

t.test('a rule with no when always matches', async (t) => {
  const { intents, trace } = compile([
    { name: 'always', source: 's', contact: { email: 'email' }, tags: ['seen'] },
  ]).evaluate({ source: 's', body: { email: 'a@example.com' } })
  t.same(intents, [{ contact: { email: 'a@example.com' }, add: ['seen'], remove: [], rules: ['always'] }])
  t.equal(trace[0]!.matched, true)
  t.notOk('condition' in trace[0]!, 'no condition in the trace')
})

t.test('only rules of the event source are evaluated', async (t) => {
  const rules = compile([
    { name: 'tf', source: 'typeform', contact: { email: 'email' }, tags: ['from-typeform'] },
    { name: 'shop', source: 'shop', contact: { email: 'email' }, tags: ['from-shop'] },
  ])
  const res = rules.evaluate({ source: 'shop', body: { email: 'a@example.com' } })
  t.same(
    res.intents.map((i) => i.add),
    [['from-shop']],
  )
  t.same(
    res.trace.map((r) => r.rule),
    ['shop'],
  )
  t.same(rules.evaluate({ source: 'unknown', body: { email: 'a@example.com' } }), {
    intents: [],
    trace: [],
    unmatched: [],
  })
  t.equal(rules.count, 2)
})
