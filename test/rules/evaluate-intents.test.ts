import t from 'tap'
import { compileRules, ruleSchema } from '../../src/rules/index.js'
import type { ConditionTrace, Evaluation } from '../../src/rules/index.js'

const compile = (rules: unknown[]) => compileRules(ruleSchema.array().parse(rules))

/** One rule for source `s`, contact by `email`, tag `hit`, with the given condition. */
const ruleWhen = (when: unknown) =>
  compile([{ name: 'r', source: 's', when, contact: { email: 'email' }, tags: ['hit'] }])

t.test('intents per contact', async (t) => {
  t.test('two rules for the same contact merge into one intent', async (t) => {
    const rules = compile([
      { name: 'first', source: 's', contact: { email: 'email' }, tags: ['b', 'a'] },
      {
        name: 'skipped',
        source: 's',
        when: { field: 'x', exists: true },
        contact: { email: 'email' },
        tags: ['never'],
      },
      { name: 'second', source: 's', contact: { email: 'other.email' }, tags: ['a', 'c'] },
    ])
    const { intents } = rules.evaluate({
      source: 's',
      body: { email: 'Ada@Example.com', other: { email: ' ada@example.com ' } },
    })
    t.same(intents, [
      { contact: { email: 'ada@example.com' }, add: ['b', 'a', 'c'], remove: [], rules: ['first', 'second'] },
    ])
  })

  t.test('different contacts get separate intents', async (t) => {
    const rules = compile([
      { name: 'buyer', source: 's', contact: { email: 'buyer' }, tags: ['customer'] },
      { name: 'gift', source: 's', contact: { email: 'recipient' }, tags: ['gift-recipient'] },
    ])
    const { intents } = rules.evaluate({ source: 's', body: { buyer: 'a@example.com', recipient: 'b@example.com' } })
    t.same(intents, [
      { contact: { email: 'a@example.com' }, add: ['customer'], remove: [], rules: ['buyer'] },
      { contact: { email: 'b@example.com' }, add: ['gift-recipient'], remove: [], rules: ['gift'] },
    ])
  })

  t.test('a contact id is preferred over the email', async (t) => {
    const rules = compile([{ name: 'r', source: 's', contact: { id: 'contact_id', email: 'email' }, tags: ['x'] }])
    const both = rules.evaluate({ source: 's', body: { contact_id: ' c123 ', email: 'a@example.com' } })
    t.same(both.intents[0]?.contact, { id: 'c123' }, 'id used (trimmed), email ignored')
    const emailOnly = rules.evaluate({ source: 's', body: { contact_id: '   ', email: 'a@example.com' } })
    t.same(emailOnly.intents[0]?.contact, { email: 'a@example.com' }, 'blank id falls back to email')
    const numericId = rules.evaluate({ source: 's', body: { contact_id: 42, email: 'a@example.com' } })
    t.same(numericId.intents[0]?.contact, { email: 'a@example.com' }, 'a non-string id is not used')
  })

  t.test('same id from two rules merges, id and email do not', async (t) => {
    const rules = compile([
      { name: 'by-id', source: 's', contact: { id: 'id' }, tags: ['x'] },
      { name: 'by-id-too', source: 's', contact: { id: 'id' }, tags: ['y'] },
      { name: 'by-email', source: 's', contact: { email: 'email' }, tags: ['z'] },
    ])
    const { intents } = rules.evaluate({ source: 's', body: { id: 'c1', email: 'a@example.com' } })
    t.same(
      intents.map((i) => [i.contact, i.add, i.rules]),
      [
        [{ id: 'c1' }, ['x', 'y'], ['by-id', 'by-id-too']],
        [{ email: 'a@example.com' }, ['z'], ['by-email']],
      ],
    )
  })
})

t.test('unresolved contacts produce no intent and say why', async (t) => {
  const rules = compile([{ name: 'r', source: 's', contact: { email: 'email' }, tags: ['x'] }])
  const check = (body: unknown, why: RegExp) => {
    const res: Evaluation = rules.evaluate({ source: 's', body })
    t.same(res.intents, [])
    t.equal(res.trace[0]!.matched, true, 'the rule itself matched')
    t.match(res.trace[0]!.unresolved, why)
    t.notOk(res.trace[0]!.contact)
  }
  check({}, /no email at "email"/)
  check({ email: 'not an email' }, /"email" is not an email address/)
  check({ email: 'ada@' }, /is not an email address/)
  check({ email: 42 }, /is not an email address/)

  const both = compile([{ name: 'r', source: 's', contact: { id: 'cid', email: 'email' }, tags: ['x'] }])
  const res = both.evaluate({ source: 's', body: {} })
  t.same(res.intents, [])
  t.match(res.trace[0]!.unresolved, /no contact id at "cid".*no email at "email"/)
})

t.test('the trace explains each condition', async (t) => {
  const rules = compile([
    {
      name: 'webinar',
      source: 's',
      when: {
        all: [
          { field: 'form', equals: 'abc' },
          { not: { field: 'test', equals: true } },
          { field: 'answers', contains: 'x' },
        ],
      },
      contact: { email: 'email' },
      tags: ['w'],
    },
  ])
  const { trace } = rules.evaluate({ source: 's', body: { form: 'xyz', email: 'a@example.com', answers: ['x', 'y'] } })
  t.equal(trace[0]!.rule, 'webinar')
  t.equal(trace[0]!.matched, false)
  t.same(trace[0]!.tags, [], 'a rule that did not match contributes no tags')
  t.same(trace[0]!.condition, {
    op: 'all',
    passed: false,
    conditions: [
      { op: 'equals', field: 'form', expected: 'abc', found: 'xyz', passed: false },
      {
        op: 'not',
        passed: true,
        conditions: [{ op: 'equals', field: 'test', expected: true, found: undefined, passed: false }],
      },
      { op: 'contains', field: 'answers', expected: 'x', found: '[array of 2]', passed: true },
    ],
  })

  const long = 'y'.repeat(5000)
  const leaf = ruleWhen({ field: 'note', equals: 'z' }).evaluate({
    source: 's',
    body: { note: long, email: 'a@example.com' },
  }).trace[0]!.condition as Extract<ConditionTrace, { field: string }>
  t.type(leaf.found, 'string')
  t.ok((leaf.found as string).length < 300, 'long strings are abbreviated')
  t.ok((leaf.found as string).startsWith('yyyy'))
  t.match(leaf.found, /…$/)

  const obj = ruleWhen({ field: 'o', exists: true }).evaluate({
    source: 's',
    body: { o: { secret: 'nested' }, email: 'a@example.com' },
  })
  t.equal((obj.trace[0]!.condition as { found: unknown }).found, '[object]', 'objects are not copied into the trace')
})

t.test('tags are normalised', async (t) => {
  const rules = compile([
    {
      name: 'r',
      source: 's',
      contact: { email: 'email' },
      tags: ['  Webinar   2026 ', 'webinar 2026', 'VIP', 'vip', 'Sales\tInterest'],
    },
  ])
  const { intents, trace } = rules.evaluate({ source: 's', body: { email: 'a@example.com' } })
  t.same(intents[0]?.add, ['webinar 2026', 'vip', 'sales interest'])
  t.same(trace[0]!.tags, ['webinar 2026', 'vip', 'sales interest'])

  t.notOk(
    ruleSchema.safeParse({ name: 'r', source: 's', contact: { email: 'e' }, tags: ['   '] }).success,
    'a blank tag is rejected',
  )
  t.notOk(
    ruleSchema.safeParse({ name: 'r', source: 's', contact: { email: 'e' }, tags: [] }).success,
    'a rule needs a tag',
  )
  t.notOk(
    ruleSchema.safeParse({ name: 'r', source: 's', contact: { email: 'e' }, tags: ['x'.repeat(101)] }).success,
    'tags are at most 100 characters',
  )
})

t.test('the schema rejects malformed conditions and contacts', async (t) => {
  const parse = (when: unknown, contact: unknown = { email: 'e' }) =>
    ruleSchema.safeParse({ name: 'r', source: 's', when, contact, tags: ['x'] })
  const operators = /exactly one operator of equals, not_equals, in, not_in/

  const zero = parse({ field: 'a' })
  t.notOk(zero.success, 'no operator')
  t.match(
    zero.error?.issues.map((i) => i.message),
    [operators],
  )

  const two = parse({ field: 'a', equals: 1, in: [1] })
  t.notOk(two.success, 'two operators')
  t.match(JSON.stringify(two.error?.issues), operators)

  const nested = parse({ any: [{ field: 'a', exists: true, contains: 'x' }] })
  t.notOk(nested.success, 'two operators in a nested condition')
  t.match(JSON.stringify(nested.error?.issues), operators)

  t.notOk(parse({ field: 'a', in: [] }).success, 'in needs at least one value')
  t.notOk(parse({ all: [] }).success, 'all needs at least one condition')
  t.notOk(parse({ field: 'a', equals: 'x', typo: 1 }).success, 'unknown keys are rejected')

  const noContact = parse(undefined, {})
  t.notOk(noContact.success)
  t.match(JSON.stringify(noContact.error?.issues), /contact needs an id, an email or a phone path/)
})

t.test('version identifies the rules', async (t) => {
  const rules = [{ name: 'r', source: 's', when: { field: 'a', equals: 1 }, contact: { email: 'e' }, tags: ['x'] }]
  const a = compile(rules)
  const b = compile(structuredClone(rules))
  t.match(a.version, /^[0-9a-f]{12}$/)
  t.equal(a.version, b.version, 'stable for the same rules')
  t.not(compile([{ ...rules[0], tags: ['y'] }]).version, a.version, 'changes when a tag changes')
  t.not(
    compile([{ ...rules[0], when: { field: 'a', equals: 2 } }]).version,
    a.version,
    'changes when a condition changes',
  )
  t.not(compile([...rules, { ...rules[0], name: 'r2' }]).version, a.version, 'changes when a rule is added')
})
