import t from 'tap'
import fc from 'fast-check'
import { compilePath, isValidPath, parsePath, ruleSchema } from '../../src/rules/index.js'

const read = (path: string, body: unknown) => compilePath(path)({ source: 's', body })

const typeform = {
  form_response: {
    form_id: 'lT4Z3j',
    answers: [
      { type: 'text', text: 'Ada' },
      { type: 'email', email: 'ada@example.com' },
      { type: 'email', email: 'second@example.com' },
      { type: 'choice', choice: { label: 'Pricing' } },
    ],
  },
}

t.test('dotted keys', async (t) => {
  t.equal(read('form_response.form_id', typeform), 'lT4Z3j')
  t.same(read('form_response', typeform), typeform.form_response)
  t.equal(read('a.b.c', { a: { b: { c: 0 } } }), 0, 'falsy values are returned as they are')
  t.equal(read('a.b', { a: { b: null } }), null)
  t.equal(read('first name', { 'first name': 'Ada' }), 'Ada', 'keys may contain spaces')
})

t.test('[n] indexes arrays', async (t) => {
  t.equal(read('form_response.answers[0].text', typeform), 'Ada')
  t.equal(read('items[1]', { items: ['a', 'b'] }), 'b')
  t.equal(read('m[0][1]', { m: [[1, 2]] }), 2)
  t.equal(read('items[5]', { items: ['a'] }), undefined, 'out of range')
  t.equal(read('obj[0]', { obj: { 0: 'x' } }), undefined, 'an index only applies to arrays')
})

t.test('[key=value] picks the first matching element', async (t) => {
  t.equal(read('form_response.answers[type=email].email', typeform), 'ada@example.com')
  t.equal(read('form_response.answers[type=choice].choice.label', typeform), 'Pricing')
  t.equal(read('form_response.answers[type=date].date', typeform), undefined, 'no element matches')
  t.equal(
    read('form_response.answers[ type = email ].email', typeform),
    'ada@example.com',
    'spaces around key and value are ignored',
  )

  const fields = { fields: [{ id: 1, v: 'one' }, { id: 2, v: 'two' }, { on: true, v: 'yes' }, null, 'str'] }
  t.equal(read('fields[id=2].v', fields), 'two', 'numbers compare as their decimal string')
  t.equal(read('fields[on=true].v', fields), 'yes', 'booleans compare as strings')
  t.equal(read('fields[id=3].v', fields), undefined)
  t.equal(read('fields[type=email]', { fields: { type: 'email' } }), undefined, 'a filter only applies to arrays')
  t.equal(read('fields[x=1]', { fields: [{ x: { y: 1 } }] }), undefined, 'an object never equals a filter value')
})

t.test('missing or non-object intermediates give undefined', async (t) => {
  t.equal(read('a.b.c', {}), undefined)
  t.equal(read('a.b.c', { a: null }), undefined)
  t.equal(read('a.b', { a: 'text' }), undefined, 'no property reads on a string')
  t.equal(read('a.length', { a: 'text' }), undefined)
  t.equal(read('a.b', { a: 5 }), undefined)
  t.equal(read('a', null), undefined)
  t.equal(read('a', undefined), undefined)
  t.equal(read('a', 'string body'), undefined)
  t.equal(read('a[0]', { a: 'xyz' }), undefined, 'strings are not indexable')
})

t.test('prototype keys never resolve', async (t) => {
  for (const path of [
    '__proto__',
    'constructor',
    'toString',
    'a.__proto__',
    'a.constructor.prototype',
    'hasOwnProperty',
  ]) {
    t.equal(read(path, { a: {} }), undefined, path)
  }
  t.equal(read('items[0].constructor', { items: [{}] }), undefined)
  t.equal(read('x[__proto__=x]', { x: [{}] }), undefined)
  const own = JSON.parse('{"__proto__": {"a": 1}, "constructor": "mine"}') as unknown
  t.same(read('__proto__', own), { a: 1 }, 'an own property with that name is ordinary data')
  t.equal(read('constructor', own), 'mine')
})

t.test('parsePath turns a path into steps', async (t) => {
  t.same(parsePath('a.b[0][type=email].c'), [
    { kind: 'key', key: 'a' },
    { kind: 'key', key: 'b' },
    { kind: 'index', index: 0 },
    { kind: 'filter', key: ['type'], value: 'email' },
    { kind: 'key', key: 'c' },
  ])
  t.throws(() => parsePath('a..b'), /invalid field path "a\.\.b"/)
})

t.test('invalid paths are rejected', async (t) => {
  const invalid = ['', 'a..b', '.a', 'a.', 'a[', '[x]', 'a[x]', 'a[0', 'a]', 'a[0]b', '.']
  for (const path of invalid) {
    t.equal(isValidPath(path), false, `isValidPath(${JSON.stringify(path)})`)
    t.throws(() => compilePath(path), `compilePath(${JSON.stringify(path)}) throws`)
  }
  for (const path of ['a', 'a.b', 'a[0]', 'a[0].b', 'a[type=email].email', 'a_b-c.d1']) {
    t.equal(isValidPath(path), true, `isValidPath(${JSON.stringify(path)})`)
  }
})

t.test('the rule schema rejects invalid paths at their key', async (t) => {
  const uniquePaths = (issues: { path: PropertyKey[] }[] | undefined) =>
    [...new Set((issues ?? []).map((i) => i.path.join('.')))].map((p) => p.split('.'))
  const rule = (field: string, email: string) => ({
    name: 'r',
    source: 's',
    when: { field, exists: true },
    contact: { email },
    tags: ['x'],
  })
  t.ok(ruleSchema.safeParse(rule('a.b', 'email')).success)
  for (const bad of ['a..b', '.a', 'a.', 'a[', '[x]', '']) {
    const r = ruleSchema.safeParse(rule(bad, 'email'))
    t.notOk(r.success, `field ${JSON.stringify(bad)} rejected`)
    t.same(uniquePaths(r.error?.issues), [['when', 'field']])
    const c = ruleSchema.safeParse(rule('a', bad))
    t.notOk(c.success, `contact email ${JSON.stringify(bad)} rejected`)
    t.same(uniquePaths(c.error?.issues), [['contact', 'email']])
  }
})

t.test('[a.b=value] filters on a nested key (Typeform answers chosen by field.ref)', async (t) => {
  const answers = {
    answers: [
      { field: { ref: 'email' }, type: 'email', email: 'ada@example.com' },
      { field: { ref: 'interest' }, type: 'choice', choice: { label: 'Pricing' } },
      { field: null, type: 'text' },
      { field: 'interest', type: 'text' },
    ],
  }
  t.equal(read('answers[field.ref=interest].choice.label', answers), 'Pricing')
  t.equal(read('answers[field.ref=email].email', answers), 'ada@example.com')
  t.equal(read('answers[field.ref=other].choice', answers), undefined, 'no element matches')
  t.equal(read('answers[ field . ref = interest ].type', answers), 'choice', 'spaces around segments are ignored')
  t.equal(read('a[x.y.z=1].v', { a: [{ x: { y: { z: 1 } }, v: 'deep' }] }), 'deep', 'any depth')
  t.equal(read('a[x.__proto__=1]', { a: [{ x: {} }] }), undefined, 'own keys only')
  t.throws(() => parsePath('a[x..y=1]'), /empty key in a filter/)
  t.throws(() => parsePath('a[.y=1]'), /empty key in a filter/)
  t.same(parsePath('a[field.ref=x]')[1], { kind: 'filter', key: ['field', 'ref'], value: 'x' })
})

t.test('a nested filter agrees with a direct model on generated arrays', async (t) => {
  const element = fc.record({ field: fc.option(fc.record({ ref: fc.constantFrom('a', 'b', 'c', 1) })), v: fc.nat() })
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(fc.array(element), fc.constantFrom('a', 'b', 'c', '1'), (list, ref) => {
        const model = list.find((el) => el.field !== null && String(el.field.ref) === ref)?.v
        return read(`list[field.ref=${ref}].v`, { list }) === model
      }),
    ),
  )
})

t.test(
  'a nested filter takes linear time in the array size (counted in property reads, not milliseconds)',
  async (t) => {
    // every property read of the list and its elements goes through a counting proxy: a
    // loaded machine cannot change the count, and linear means each 20,000 more elements
    // cost exactly the same number of reads (a quadratic filter would cost more each time)
    const reads = (n: number) => {
      let count = 0
      const counting: ProxyHandler<object> = {
        get(target, key, receiver) {
          count++
          return Reflect.get(target, key, receiver)
        },
      }
      const list = new Proxy(
        Array.from({ length: n }, (_, i) => new Proxy({ field: new Proxy({ ref: `r${i}` }, counting) }, counting)),
        counting,
      )
      const reader = compilePath(`list[field.ref=missing]`)
      t.equal(reader({ source: 's', body: { list } }), undefined)
      return count
    }
    const [r0, r1, r2, r3] = [reads(0), reads(20_000), reads(40_000), reads(60_000)]
    t.ok(r1 - r0 >= 20_000, `each element is read (${r1 - r0} reads for 20,000)`)
    t.equal(r2 - r1, r1 - r0, 'the next 20,000 elements cost the same reads')
    t.equal(r3 - r2, r1 - r0, 'and the next 20,000 again: linear')
  },
)
