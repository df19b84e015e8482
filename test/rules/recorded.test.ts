import t from 'tap'
import { compileRules, RuleSetRecorder, matchedRules, type RuleSetStore } from '../../src/rules/index.js'
import type { Rule } from '../../src/rules/index.js'
import { openStore } from '../../src/store/index.js'

const RULES = [
  {
    name: 'eu lead',
    source: 'forms',
    when: {
      all: [
        { field: 'country', in: ['DE', 'FR'] },
        { field: '$query.campaign', exists: true },
      ],
    },
    contact: { email: 'email' },
    tags: ['eu-{{ $query.campaign }}'],
  },
  {
    name: 'by header',
    source: 'forms',
    when: { field: '$headers.x-form', equals: 'contact' },
    contact: { email: 'email' },
    tags: ['contact-form'],
  },
  { name: 'no email', source: 'forms', contact: { email: 'missing.email' }, tags: ['never'] },
] as unknown as Rule[]

const EVENT = {
  source: 'forms',
  body: { country: 'DE', email: 'ada@example.com' },
  headers: { 'x-form': 'contact', 'content-type': 'application/json' },
  receivedAt: Date.UTC(2026, 10, 27, 12),
}
const QUERY = { campaign: 'spring' }

t.test('an event keeps a compact explain; its trail evaluates again to the same trace', async (t) => {
  const dir = t.testdir({})
  const store = await openStore({ url: `sqlite:${dir}/db.sqlite` })
  t.teardown(() => store.close())
  const rules = compileRules(RULES, { lowercaseTags: true })
  const recorder = new RuleSetRecorder(store.ruleSets)
  t.equal(await recorder.ensure(rules), true)
  t.equal(recorder.ensure(rules), true, 'once recorded, no promise and no store call')

  const evaluation = rules.evaluate({ ...EVENT, query: QUERY })
  const stored = RuleSetRecorder.stored(rules, evaluation, matchedRules(evaluation.trace), QUERY, true)
  t.same(stored, {
    rulesVersion: rules.version,
    matched: ['eu lead', 'by header', 'no email'],
    unmatched: evaluation.unmatched,
    query: QUERY,
  })
  t.ok(
    JSON.stringify(stored).length * 2 < JSON.stringify(evaluation.trace).length,
    'less than half the trace, even with three rules',
  )

  // a fresh recorder (another process, after a restart) reads the rule set from the store
  const explained = await new RuleSetRecorder(store.ruleSets).explain({
    ...EVENT,
    explain: JSON.parse(JSON.stringify(stored)),
  })
  t.equal(explained.traceFrom, 'recomputed')
  t.same(explained.trace, evaluation.trace, 'the same trace, condition by condition')
  t.same(explained.unmatched, evaluation.unmatched)
  t.same(matchedRules(stored), ['eu lead', 'by header', 'no email'])
})

t.test('explain: a stored trace is used as is; an unknown rule set says so', async (t) => {
  const recorder = new RuleSetRecorder({ saveRuleSet: async () => {}, loadRuleSet: async () => undefined })
  const trace = [{ rule: 'old', matched: true, tags: ['x'] }]
  t.match(await recorder.explain({ ...EVENT, explain: { rulesVersion: 'v0', trace, unmatched: [] } }), {
    traceFrom: 'stored',
    trace,
    rulesVersion: 'v0',
  })
  t.match(await recorder.explain({ ...EVENT, explain: { rulesVersion: 'gone', matched: ['a'], unmatched: [] } }), {
    traceFrom: 'unavailable',
    trace: [],
    rulesVersion: 'gone',
  })
  t.match(await recorder.explain({ ...EVENT, explain: null }), { traceFrom: 'unavailable', rulesVersion: null })
  t.same(matchedRules({ trace }), ['old'])
  t.same(matchedRules(null), [])
})

t.test('a rule set the store refuses: events keep their full trace, and it is tried again', async (t) => {
  let calls = 0
  let fail = true
  const store: RuleSetStore = {
    saveRuleSet: async () => {
      calls++
      if (fail) throw new Error('disk full')
    },
    loadRuleSet: async () => undefined,
  }
  const rules = compileRules(RULES)
  const recorder = new RuleSetRecorder(store)
  const [a, b] = await Promise.all([recorder.ensure(rules), recorder.ensure(rules)])
  t.same([a, b, calls], [false, false, 1], 'concurrent first events share one attempt')
  const evaluation = rules.evaluate({ ...EVENT, query: {} })
  t.match(RuleSetRecorder.stored(rules, evaluation, matchedRules(evaluation.trace), {}, false), {
    rulesVersion: rules.version,
    trace: evaluation.trace,
  })
  fail = false
  t.equal(await recorder.ensure(rules), true, 'the next event records it')
  t.equal(calls, 2)
})

t.test('compiled rule sets are kept for the last few versions only', async (t) => {
  const texts = new Map<string, string>()
  let loads = 0
  const store: RuleSetStore = {
    saveRuleSet: async (v, d) => void texts.set(v, d),
    loadRuleSet: async (v) => (loads++, texts.get(v)),
  }
  const recorder = new RuleSetRecorder(store)
  const sets = Array.from({ length: 10 }, (_, i) => compileRules([{ ...RULES[1]!, name: `r${i}` }]))
  for (const s of sets) await recorder.ensure(s)
  const explainWith = (s: (typeof sets)[number]) =>
    recorder.explain({ ...EVENT, explain: { rulesVersion: s.version, matched: [], unmatched: [] } })
  for (const [i, s] of sets.entries())
    t.match(await explainWith(s), { traceFrom: 'recomputed', trace: [{ rule: `r${i}` }] })
  t.equal(loads, 10)
  await explainWith(sets[9]!)
  t.equal(loads, 10, 'a recent one is not loaded again')
  await explainWith(sets[0]!)
  t.equal(loads, 11, 'an old one was dropped and is loaded again')
})
