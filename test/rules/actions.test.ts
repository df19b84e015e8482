import t from 'tap'
import { compileRules, formatEvaluation, normalisePhone, ruleSchema } from '../../src/rules/index.js'

const compile = (rules: unknown[], opts = {}) => compileRules(ruleSchema.array().parse(rules), opts)
const rule = (over: Record<string, unknown>) => ({ name: 'r', source: 's', contact: { email: 'email' }, ...over })
const body = { email: 'a@example.com' }

t.test('untag removes tags; a later rule wins over an earlier one', async (t) => {
  const rules = compile([
    rule({ name: 'lead', tags: ['lead', 'trial'] }),
    rule({ name: 'customer', when: { field: 'paid', equals: true }, tags: ['customer'], untag: ['Trial', 'prospect'] }),
  ])
  const paid = rules.evaluate({ source: 's', body: { ...body, paid: true } })
  t.same(paid.intents, [
    {
      contact: { email: 'a@example.com' },
      add: ['lead', 'customer'],
      remove: ['trial', 'prospect'],
      rules: ['lead', 'customer'],
    },
  ])
  t.same(paid.trace[1]!.untag, ['trial', 'prospect'], 'untag tags are normalised too')
  const unpaid = rules.evaluate({ source: 's', body: { ...body, paid: 'no' } })
  t.same(unpaid.intents[0]?.remove, [], 'a rule that does not match removes nothing')

  const readd = compile([rule({ name: 'a', untag: ['x'] }), rule({ name: 'b', tags: ['x'] })]).evaluate({
    source: 's',
    body,
  })
  t.same(
    [readd.intents[0]?.add, readd.intents[0]?.remove],
    [['x'], []],
    'a later add takes the tag out of the removals',
  )
  const onlyUntag = compile([rule({ untag: ['old-{{ plan }}'] })]).evaluate({
    source: 's',
    body: { ...body, plan: 'Basic' },
  })
  t.same(onlyUntag.intents, [{ contact: { email: 'a@example.com' }, add: [], remove: ['old-basic'], rules: ['r'] }])
})

t.test('stop: true ends evaluation for the event', async (t) => {
  const rules = compile([
    rule({ name: 'ignore tests', when: { field: 'test', equals: true }, stop: true, contact: undefined }),
    rule({ name: 'vip', when: { field: 'vip', equals: true }, tags: ['vip'], stop: true }),
    rule({ name: 'everyone', tags: ['seen'] }),
  ])
  const test = rules.evaluate({ source: 's', body: { ...body, test: true, vip: true } })
  t.same(test.intents, [], 'no later rule ran')
  t.equal(test.trace[0]!.stopped, true)
  t.match(test.trace[1], { rule: 'vip', matched: false, skipped: 'not evaluated: rule "ignore tests" has stop: true' })
  t.match(test.trace[2], { rule: 'everyone', matched: false, skipped: /stop: true/ })
  const vip = rules.evaluate({ source: 's', body: { ...body, vip: true } })
  t.same(vip.intents[0]?.add, ['vip'], 'the stopping rule still applies its own tags')
  const plain = rules.evaluate({ source: 's', body })
  t.same(plain.intents[0]?.add, ['seen'], 'a stop rule that does not match stops nothing')
  t.notOk(ruleSchema.safeParse({ name: 'r', source: 's' }).success, 'a rule needs tags, untag or stop')
  t.notOk(ruleSchema.safeParse({ name: 'r', source: 's', tags: ['x'] }).success, 'tags need a contact')
  t.notOk(ruleSchema.safeParse({ name: 'r', source: 's', stop: 'yes' }).success, 'stop is a boolean')
})

t.test('location overrides the source location, per intent', async (t) => {
  const rules = compile([rule({ name: 'us', tags: ['a'] }), rule({ name: 'eu', tags: ['b'], location: 'europe' })])
  const { intents, trace } = rules.evaluate({ source: 's', body })
  t.same(
    intents,
    [
      { contact: { email: 'a@example.com' }, add: ['a'], remove: [], rules: ['us'] },
      { contact: { email: 'a@example.com' }, add: ['b'], remove: [], rules: ['eu'], location: 'europe' },
    ],
    'same contact, two locations: two intents',
  )
  t.equal(trace[1]!.location, 'europe')
})

t.test('contact by phone, normalised to E.164 with the default country', async (t) => {
  const byPhone = rule({ contact: { phone: 'phone' }, tags: ['x'] })
  const us = compile([byPhone], { phoneCountry: 'US' })
  t.same(us.evaluate({ source: 's', body: { phone: '(415) 555-2671' } }).intents[0]?.contact, { phone: '+14155552671' })
  t.same(
    us.evaluate({ source: 's', body: { phone: '+44 20 7946 0958' } }).intents[0]?.contact,
    { phone: '+442079460958' },
    'an international number ignores the default',
  )
  const none = compile([byPhone])
  const local = none.evaluate({ source: 's', body: { phone: '(415) 555-2671' } })
  t.same(local.intents, [], 'without a default country a national number cannot be placed')
  t.match(local.unmatched, [
    { rule: 'r', reason: /"phone" is not a valid phone number \(no country; set `ruleOptions.phoneCountry`/ },
  ])
  t.match(
    us.evaluate({ source: 's', body: { phone: '12' } }).unmatched,
    [{ reason: /is not a valid phone number/ }],
    'too short',
  )
  t.match(
    us.evaluate({ source: 's', body: { phone: { n: 1 } } }).unmatched,
    [{ reason: /not a valid phone/ }],
    'wrong type',
  )
  t.match(us.evaluate({ source: 's', body: {} }).unmatched, [{ reason: 'no phone at "phone"' }], 'missing')
  t.equal(normalisePhone(4155552671, 'US'), '+14155552671', 'a number works too')

  const both = compile([rule({ contact: { email: 'email', phone: 'phone' }, tags: ['x'] })], { phoneCountry: 'GB' })
  t.same(both.evaluate({ source: 's', body: { email: 'A@Example.com', phone: '020 7946 0958' } }).intents[0]?.contact, {
    email: 'a@example.com',
    phone: '+442079460958',
  })
  t.same(
    both.evaluate({ source: 's', body: { email: 'nope', phone: '020 7946 0958' } }).intents[0]?.contact,
    { phone: '+442079460958' },
    'an invalid email is dropped when the phone works',
  )
  t.same(
    both.evaluate({ source: 's', body: { email: 'nope', phone: '020 7946 0958' } }).trace[0]?.ignored,
    ['email `nope` at "email" ignored: not an email address'],
    '... and said so',
  )
})

t.test(
  'a national-format phone beside a working email: used with phoneCountry, reported as ignored without',
  async (t) => {
    const r = rule({ contact: { email: 'email', phone: 'phone' }, tags: ['x'] })
    const event = { source: 's', body: { email: 'ada@example.com', phone: '(415) 555-0142' } }
    const without = compile([r]).evaluate(event)
    t.same(without.intents[0]?.contact, { email: 'ada@example.com' }, 'the email still works')
    t.same(without.trace[0]?.ignored, [
      'phone `(415) 555-0142` at "phone" ignored: no country; set `ruleOptions.phoneCountry` or send it with +country code',
    ])
    t.match(
      formatEvaluation(without, { source: 's', rulesVersion: 'v', contactNotFoundRetryHours: 24 }),
      /phone `\(415\) 555-0142` at "phone" ignored: no country/,
    )
    const withCountry = compile([r], { phoneCountry: 'US' }).evaluate(event)
    t.same(withCountry.intents[0]?.contact, { email: 'ada@example.com', phone: '+14155550142' })
    t.equal(withCountry.trace[0]?.ignored, undefined, 'nothing ignored')
    t.same(
      compile([r], { phoneCountry: 'US' }).evaluate({ source: 's', body: { email: 'ada@example.com', phone: '12' } })
        .trace[0]?.ignored,
      ['phone `12` at "phone" ignored: not a valid phone number for US'],
    )
    t.equal(
      compile([r]).evaluate({ source: 's', body: { email: 'ada@example.com' } }).trace[0]?.ignored,
      undefined,
      'absent is not ignored',
    )
  },
)

t.test('create fields are read for upsert, never tags', async (t) => {
  const rules = compile([
    rule({
      contact: { email: 'email', create: { firstName: 'first', lastName: 'last', companyName: 'org.name' } },
      tags: ['x'],
    }),
    rule({ name: 'r2', contact: { email: 'email', create: { firstName: 'nick' } }, tags: ['y'] }),
  ])
  const { intents } = rules.evaluate({
    source: 's',
    body: { ...body, first: ' Ada ', last: 42, org: { name: {} }, nick: 'Addie' },
  })
  t.same(
    intents[0]?.create,
    { firstName: 'Addie', lastName: '42' },
    'missing and non-scalar fields are left out; fields merge in rule order, the later rule winning',
  )
  t.same(
    compile([rule({ contact: { email: 'email', create: { firstName: 'x' } }, tags: ['x'] })]).evaluate({
      source: 's',
      body,
    }).intents[0]?.create,
    {},
    'create: with every field missing still creates the contact (with its email/phone only)',
  )
  t.equal(
    compile([rule({ contact: { email: 'email' }, tags: ['x'] })]).evaluate({ source: 's', body }).intents[0]?.create,
    undefined,
    'no create: never creates',
  )
  const tags = ruleSchema.safeParse(rule({ contact: { email: 'e', create: { tags: 'x' } }, tags: ['x'] }))
  t.match(JSON.stringify(tags.error?.issues), /unknown key\(s\)|Unrecognized key/, 'tags cannot be sent through create')
  t.notOk(
    ruleSchema.safeParse(rule({ contact: { email: 'e', create: { firstName: 'a[*].b' } }, tags: ['x'] })).success,
    'create paths name one value',
  )
  t.notOk(
    ruleSchema.safeParse(rule({ contact: { id: 'items[*].id' }, tags: ['x'] })).success,
    'contact paths name one value',
  )
})

t.test('an unresolved contact is listed as unmatched with the reason', async (t) => {
  const rules = compile([rule({ tags: ['x'] })])
  const res = rules.evaluate({ source: 's', body: { email: 'not-an-email' } })
  t.same(res.unmatched, [{ rule: 'r', reason: '"email" is not an email address' }])
  t.same(res.intents, [])
})

t.test('formatEvaluation explains rule by rule and condition by condition', async (t) => {
  const rules = compile([
    rule({
      name: 'webinar',
      when: {
        all: [
          { field: 'form', equals: 'abc' },
          { field: 'items[*].sku', in: ['PRO'] },
        ],
      },
      tags: ['w', 'utm-{{ utm }}'],
      untag: ['cold'],
    }),
    rule({ name: 'other', when: { field: 'form', equals: 'zzz' }, tags: ['o'] }),
    rule({ name: 'bad contact', contact: { email: 'nobody' }, tags: ['n'], location: 'eu', stop: true }),
    rule({ name: 'after', tags: ['z'] }),
  ])
  const text = formatEvaluation(
    rules.evaluate({ source: 's', body: { ...body, form: 'abc', items: [{ sku: 'pro' }] } }),
    { source: 's', rulesVersion: rules.version, contactNotFoundRetryHours: 24 },
  )
  t.match(text, `source s, rules version ${rules.version}: 2 of 4 rules matched`)
  t.match(text, '✓ rule "webinar": matched')
  t.match(text, '✓ form equals "abc": found "abc"')
  t.match(text, '✓ items[*].sku in ["PRO"]: found ["pro"] (1 of 1 elements match)')
  t.match(text, 'tags: w')
  t.match(text, 'untag: cold')
  t.match(text, 'no tag from "utm-{{ utm }}": no value at "utm"')
  t.match(text, '✗ rule "other": not matched')
  t.match(text, '✗ form equals "zzz": found "abc"')
  t.match(text, 'contact unresolved: no email at "nobody" (no delivery)')
  t.match(text, 'location: eu')
  t.match(text, 'stop: later rules are not evaluated')
  t.match(text, '✗ rule "after": not evaluated: rule "bad contact" has stop: true')
  t.match(text, 'email a@example.com: add w; remove cold  (rules: webinar)')
  t.match(text, 'unmatched: rule "bad contact": no email at "nobody"')
  t.match(
    formatEvaluation(rules.evaluate({ source: 'x', body }), {
      source: 'x',
      rulesVersion: 'v',
      contactNotFoundRetryHours: 24,
    }),
    '(no rule for this source)',
  )
  const created = compile([
    rule({ contact: { email: 'email', create: { firstName: 'f' } }, tags: ['x'], location: 'eu' }),
  ])
  t.match(
    formatEvaluation(created.evaluate({ source: 's', body: { ...body, f: 'Ada' } }), {
      source: 's',
      rulesVersion: 'v',
      contactNotFoundRetryHours: 24,
    }),
    'create if missing with firstName="Ada"',
  )
})
