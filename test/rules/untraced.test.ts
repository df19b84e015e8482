import fc from 'fast-check'
import t from 'tap'
import { compileRules, ruleSchema, type RuleEvent } from '../../src/rules/index.js'

/**
 * The ingest path evaluates without a trace (conditions as bare tests, short-circuited);
 * the trail evaluates again with one. Both must reach the same verdicts, for any rules
 * and any event: that is what lets an event store only the names that matched.
 */
const FIELDS = ['a', 'b', 'list[*]', 'items[kind=x].v', 'nested.deep', '$headers.x-h', '$query.q']
const VALUES = ['x', 'y', 'Z', '', 0, 1, 2.5, true, false, null]

const leaf = fc.oneof(
  fc.record({ field: fc.constantFrom(...FIELDS), equals: fc.constantFrom(...VALUES.filter((v) => v !== null)) }),
  fc.record({ field: fc.constantFrom(...FIELDS), not_equals: fc.constantFrom('x', 1, true) }),
  fc.record({ field: fc.constantFrom(...FIELDS), in: fc.constant(['x', 'y', 1]) }),
  fc.record({ field: fc.constantFrom(...FIELDS), not_in: fc.constant(['y', 2.5]) }),
  fc.record({ field: fc.constantFrom(...FIELDS), exists: fc.boolean() }),
  fc.record({ field: fc.constantFrom(...FIELDS), contains: fc.constantFrom('x', 'Z') }),
  fc.record({ field: fc.constantFrom(...FIELDS), gte: fc.constantFrom(1, 2) }),
  fc.record({ field: fc.constantFrom(...FIELDS), matches: fc.constantFrom('^x', 'y$', '[0-9]') }),
)
const condition: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('node') }),
  ),
})).node

const rule = fc.record({
  name: fc.string({ minLength: 1, maxLength: 6 }),
  when: fc.option(condition, { nil: undefined }),
  contact: fc.constantFrom({ email: 'email' }, { id: 'cid' }, { email: 'missing' }),
  tags: fc.constantFrom(['t1'], ['t2', 'tag-{{ a }}']),
  untag: fc.option(fc.constant(['t1']), { nil: undefined }),
  stop: fc.option(fc.boolean(), { nil: undefined }),
})
const value = fc.constantFrom(...VALUES, 'xyz', 'Zy', '7')
const body = fc.record(
  {
    a: value,
    b: value,
    email: fc.constantFrom('ada@example.com', 'x'),
    cid: fc.constantFrom('c1', 'c2'),
    list: fc.array(value, { maxLength: 3 }),
    items: fc.array(fc.record({ kind: fc.constantFrom('x', 'y'), v: value }), { maxLength: 3 }),
    nested: fc.record({ deep: value }),
  },
  { requiredKeys: ['email', 'cid'] },
)

t.test('traced and untraced evaluation agree on every verdict', async (t) => {
  let runs = 0
  fc.assert(
    fc.property(fc.array(rule, { minLength: 1, maxLength: 6 }), body, value, (raw, b, q) => {
      const parsed = ruleSchema.array().safeParse(raw.map((r, i) => ({ ...r, name: `${r.name}-${i}`, source: 's' })))
      fc.pre(parsed.success)
      const rules = compileRules(parsed.data!)
      const event: RuleEvent = {
        source: 's',
        body: b,
        headers: { 'x-h': String(q) },
        query: { q },
        receivedAt: 1_800_000_000_000,
      }
      const traced = rules.evaluate(event)
      const bare = rules.evaluate(event, { trace: false })
      runs++
      return (
        JSON.stringify(bare.intents) === JSON.stringify(traced.intents) &&
        JSON.stringify(bare.unmatched) === JSON.stringify(traced.unmatched) &&
        JSON.stringify(bare.trace.filter((r) => r.matched).map((r) => r.rule)) ===
          JSON.stringify(traced.trace.filter((r) => r.matched).map((r) => r.rule)) &&
        bare.trace.every((r) => r.condition === undefined)
      )
    }),
    { numRuns: 400, seed: Number(process.env.FUZZ_SEED ?? 20261127) },
  )
  t.ok(runs > 200, `${runs} random rule sets and events compared`)
})
