import fc from 'fast-check'
import t from 'tap'
import { compileRules, ruleSchema, type CompiledRules } from '../../src/rules/index.js'
import { adversarialString, adversarialStrings, cpuMsConfirmed } from '../helpers/adversarial.js'

/**
 * Property: no operator, template filter or contact parser spends more than 50 ms of CPU
 * on one value, whatever it holds. Each evaluator reads `v` from the body; the strings
 * are the shapes that make backtracking patterns and quadratic loops blow up, at 20,000
 * characters (where a quadratic check already takes seconds) and at the 1 MB body limit.
 */
const LIMIT_MS = 50
const NEAR_LIMIT = 1_000_000 - 64

const leaf = (cond: Record<string, unknown>) => ({ when: { field: 'v', ...cond }, contact: { id: 'id' }, tags: ['t'] })
const CASES: Record<string, Record<string, unknown>> = {
  equals: leaf({ equals: 'abc' }),
  not_equals: leaf({ not_equals: 'abc', case_sensitive: true }),
  in: leaf({ in: ['a', 'b', 1] }),
  not_in: leaf({ not_in: ['a', 'b'] }),
  contains: leaf({ contains: 'a@b.' }),
  starts_with: leaf({ starts_with: '1111' }),
  ends_with: leaf({ ends_with: '.com' }),
  'matches email-like': leaf({ matches: '^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$' }),
  'matches nested repeat': leaf({ matches: '(\\w+\\s?)+x' }),
  'matches alternation': leaf({ matches: '(foo|bar|baz)\\d+' }),
  exists: leaf({ exists: true }),
  empty: leaf({ empty: false }),
  gt: leaf({ gt: 5 }),
  gte: leaf({ gte: 5 }),
  lt: leaf({ lt: 5.5 }),
  'lte date': leaf({ lte: '2026-01-31' }),
  'between numbers': leaf({ between: [1, 100] }),
  'between dates': leaf({ between: ['2026-01-01', '2026-12-31T23:59:59Z'] }),
  'contact email': { contact: { email: 'v' }, tags: ['t'] },
  'contact phone': { contact: { phone: 'v' }, tags: ['t'] },
  'contact id and create': { contact: { id: 'v', create: { firstName: 'v', city: 'v' } }, tags: ['t'] },
  'filter slug': { contact: { id: 'id' }, tags: ['x-{{ v | slug }}'] },
  'filter lower upper trim': { contact: { id: 'id' }, tags: ['{{ v | lower | upper | trim }}'] },
  'filter default': { contact: { id: 'id' }, tags: ['{{ v | default:"none" }}'] },
  'filter date': { contact: { id: 'id' }, tags: ['{{ v | date:"YYYY-MM-DD" }}'] },
  'template plain': { contact: { id: 'id' }, tags: ['a {{ v }} b'] },
}

function compiled(name: string, rule: Record<string, unknown>, phoneCountry?: 'US'): CompiledRules {
  return compileRules([ruleSchema.parse({ name, source: 's', ...rule })], phoneCountry ? { phoneCountry } : {})
}

const evaluators: Array<[string, CompiledRules]> = Object.entries(CASES).flatMap(([name, rule]) =>
  name === 'contact phone'
    ? [
        [name, compiled(name, rule)],
        [`${name} (phoneCountry US)`, compiled(name, rule, 'US')],
      ]
    : [[name, compiled(name, rule)]],
)

function evaluate(rules: CompiledRules, v: string, trace: boolean): void {
  rules.evaluate({ source: 's', body: { v, id: 'c1' } }, { trace })
}

const show = (s: string) => JSON.stringify(s.length > 24 ? `${s.slice(0, 24)}…` : s) + ` (${s.length} chars)`

t.before(() => {
  // compile every path once on small input, so JIT warm-up is not counted as the input's cost
  for (const [, rules] of evaluators) for (const s of adversarialStrings(64)) evaluate(rules, s, true)
})

t.test('every evaluator on every adversarial shape, 20,000 characters', async (t) => {
  const slow: string[] = []
  for (const s of adversarialStrings(20_000)) {
    for (const [name, rules] of evaluators) {
      const ms = cpuMsConfirmed(() => evaluate(rules, s, true), LIMIT_MS)
      if (ms > LIMIT_MS) slow.push(`${name} on ${show(s)}: ${ms.toFixed(0)} ms`)
    }
  }
  t.same(slow, [], `no evaluation over ${LIMIT_MS} ms of CPU`)
})

t.test('every evaluator near the 1 MB body limit', async (t) => {
  const shapes = adversarialStrings(NEAR_LIMIT, 5)
  const slow: string[] = []
  for (const s of shapes) {
    for (const [name, rules] of evaluators) {
      const ms = cpuMsConfirmed(() => evaluate(rules, s, false), LIMIT_MS)
      if (ms > LIMIT_MS) slow.push(`${name} on ${show(s)}: ${ms.toFixed(0)} ms`)
    }
  }
  t.same(slow, [], `no evaluation over ${LIMIT_MS} ms of CPU`)
})

t.test('random compositions of runs', async (t) => {
  fc.assert(
    fc.property(adversarialString(30_000), fc.integer({ min: 0, max: evaluators.length - 1 }), (s, i) => {
      const [name, rules] = evaluators[i]!
      const ms = cpuMsConfirmed(() => evaluate(rules, s, true), LIMIT_MS)
      if (ms > LIMIT_MS) throw new Error(`${name} on ${show(s)}: ${ms.toFixed(0)} ms`)
    }),
    { numRuns: 300 },
  )
  t.pass('no evaluation over the limit')
})

t.test('the linear checks agree with the textbook patterns on inputs of real size', async (t) => {
  const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
  const NUMERIC = /^\s*-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i
  const text = fc.string({ unit: fc.constantFrom('a', '1', '.', '@', ' ', '-', 'e', '+', '\t', 'é'), maxLength: 40 })
  fc.assert(
    fc.property(text, (s) => {
      const expectEmail = EMAIL.test(s.trim())
      const email = compiled('e', { contact: { email: 'v' }, tags: ['t'] }).evaluate({ source: 's', body: { v: s } })
      if ((email.intents.length === 1) !== expectEmail) throw new Error(`email ${JSON.stringify(s)}`)
      const n = Number(s)
      const expectNumber = NUMERIC.test(s) && Number.isFinite(n) && n > 5
      const gt = compiled('n', leaf({ gt: 5 })).evaluate({ source: 's', body: { v: s, id: 'c' } })
      if ((gt.intents.length === 1) !== expectNumber) throw new Error(`number ${JSON.stringify(s)}`)
    }),
    { numRuns: 3000 },
  )
  t.pass('same verdicts')
})

t.test('the documented bounds: long values never match, never make a tag, never count as numbers', async (t) => {
  const body = (v: string) => ({ source: 's', body: { v, id: 'c' } })
  const matches = compiled('m', leaf({ matches: 'a$' }))
  t.equal(matches.evaluate(body('b'.repeat(64 * 1024 - 1) + 'a')).intents.length, 1, '64 KiB matches')
  t.equal(matches.evaluate(body('b'.repeat(64 * 1024) + 'a')).intents.length, 0, 'one more character does not')
  const tag = compiled('t', { contact: { id: 'id' }, tags: ['{{ v | slug }}'] })
  t.same(tag.evaluate(body('!'.repeat(4095) + 'a')).intents[0]?.add, ['a'], 'a 4096-character value slugs')
  const skipped = tag.evaluate(body('!'.repeat(4096) + 'a'))
  t.same(skipped.intents, [])
  t.match(JSON.stringify(skipped.trace), /longer than 4096 characters at \\"v\\"/)
  const gt = compiled('g', leaf({ gt: 5 }))
  t.equal(gt.evaluate(body(`  ${'0'.repeat(62)}6  `)).intents.length, 1, '64 characters (spaces trimmed) are a number')
  t.equal(gt.evaluate(body('0'.repeat(64) + '6')).intents.length, 0, '65 are not')
  t.equal(gt.evaluate(body('9e999')).intents.length, 0, 'Infinity is not a finite number')
  const email = compiled('e', { contact: { email: 'v' }, tags: ['t'] })
  const local = 'a'.repeat(254 - '@example.com'.length)
  t.same(email.evaluate(body(`${local}@example.com`)).intents[0]?.contact, { email: `${local}@example.com` })
  t.same(email.evaluate(body(`a${local}@example.com`)).intents, [], 'an address over 254 characters is not one')
})
