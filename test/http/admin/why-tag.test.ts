import t from 'tap'
import { whyTag } from '../../../src/http/routes/admin/why-tag.js'
import type { WhyInput, WhyJob } from '../../../src/http/routes/admin/why.js'
import type { RuleTrace } from '../../../src/rules/index.js'

const AT = Date.parse('2026-03-01T14:02:11Z')
const RULES = [
  { name: 'contact form lead', source: 'forms', tags: ['lead'] },
  { name: 'big order', source: 'forms', tags: ['VIP'] },
  { name: 'shop vip', source: 'shop', tags: ['vip'] },
]
const lead: RuleTrace = {
  rule: 'contact form lead',
  matched: false,
  tags: [],
  condition: { op: 'equals', field: 'form_id', expected: 'contact-us', found: 'order', passed: false },
}
const big: RuleTrace = {
  rule: 'big order',
  matched: false,
  tags: [],
  condition: { op: 'gte', field: 'total', expected: 100, found: 80, passed: false },
}
const input = (over: Partial<WhyInput> = {}): WhyInput => ({
  source: 'forms',
  trace: [lead, big],
  unmatched: [],
  jobs: [],
  heldBack: () => null,
  contactNotFoundRetryHours: 24,
  ...over,
})
const job = (over: Partial<WhyJob>): WhyJob => ({
  id: 12,
  location: 'brightsmile',
  add: ['vip'],
  remove: [],
  status: 'dead',
  lastError: null,
  runAt: AT,
  doneAt: null,
  ...over,
})

t.test('the answer is about the tag asked for: its rule, the failed condition, the value found', async (t) => {
  const w = whyTag('vip', input(), RULES)
  t.equal(
    w.sentence,
    '`vip` was not added: rule `big order` adds `vip` only when `total` is ≥ 100, and `total` was 80.',
  )
  t.same(w.rules, ['big order', 'shop vip'], 'the rules that add it; `contact form lead` does not concern it')
  t.equal(w.outcome, 'not-added')
})

t.test('a delivery that carries the tag comes first, its error in words before the code', async (t) => {
  const dead = whyTag(
    'vip',
    input({
      jobs: [job({ lastError: 'TAGRELAY_CONTACT_NOT_FOUND: no HighLevel contact with email bob@example.com' })],
    }),
    RULES,
  )
  t.match(dead.sentence, /^`vip` was not added: the contact was not found in HighLevel at location brightsmile/)
  t.equal(dead.code, 'TAGRELAY_CONTACT_NOT_FOUND', 'the code kept beside the words')
  const unauthorized = whyTag('vip', input({ jobs: [job({ lastError: 'TAGRELAY_HL_UNAUTHORIZED: 401' })] }), RULES)
  t.match(unauthorized.sentence, /the token is bad or was revoked/, 'a 401 is a bad token, not a missing scope')
  const done = whyTag('vip', input({ jobs: [job({ status: 'done', doneAt: AT })] }), RULES)
  t.equal(done.sentence, '`vip` was added at 2026-03-01T14:02:11.000Z (location brightsmile).')
  const waiting = whyTag(
    'vip',
    input({
      jobs: [job({ status: 'pending', lastError: 'TAGRELAY_HL_TIMEOUT: 10 s' })],
      heldBack: () => 'budget spent',
    }),
    RULES,
  )
  t.equal(waiting.outcome, 'waiting')
  t.match(waiting.sentence, /held back \(budget spent\); the last try failed because HighLevel did not answer in time/)
})

t.test('no rule of the source adds the tag: says so, and which source does', async (t) => {
  const w = whyTag('vip', input({ source: 'calendly', trace: [] }), RULES)
  t.equal(
    w.sentence,
    '`vip` was not added: no rule of source `calendly` adds it (rule `big order` of source `forms`, rule `shop vip` of source `shop` does).',
  )
  t.equal(
    whyTag('nothing', input({ trace: [] }), RULES).sentence,
    '`nothing` was not added: no rule of source `forms` adds it.',
  )
})
