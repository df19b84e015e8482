import t from 'tap'
import { whySentence, type WhyJob } from '../../../src/http/routes/admin/why.js'
import type { RuleTrace } from '../../../src/rules/index.js'

const AT = Date.parse('2026-03-01T14:02:11Z')
const job = (over: Partial<WhyJob> = {}): WhyJob => ({
  id: 7,
  location: 'main',
  add: ['vip'],
  remove: [],
  status: 'done',
  lastError: null,
  runAt: AT,
  doneAt: AT,
  ...over,
})
const missed: RuleTrace = {
  rule: 'vip',
  matched: false,
  tags: [],
  condition: {
    op: 'all',
    passed: false,
    conditions: [
      { op: 'exists', field: 'email', expected: true, found: 'a@b.co', passed: true },
      { op: 'gte', field: 'total', expected: 100, found: 80, passed: false },
    ],
  },
}
const none = () => null

t.test('the sentence names what was added and when, or which rule missed on what value', async (t) => {
  t.equal(
    whySentence({
      source: 'shop',
      trace: [missed],
      unmatched: [],
      jobs: [],
      heldBack: none,
      contactNotFoundRetryHours: 24,
    }),
    'No tag: rule `vip` did not match: `total` was 80, needs ≥ 100.',
  )
  t.equal(
    whySentence({ source: 'shop', trace: [], unmatched: [], jobs: [], heldBack: none, contactNotFoundRetryHours: 24 }),
    'No tag: no rule for source `shop`.',
  )
  t.equal(
    whySentence({
      source: 'shop',
      trace: [missed],
      unmatched: [],
      jobs: [job({ add: ['lead'] })],
      heldBack: none,
      contactNotFoundRetryHours: 24,
    }),
    '`lead` added at 2026-03-01T14:02:11.000Z. Not added: rule `vip` did not match: `total` was 80, needs ≥ 100.',
  )
  const missing: RuleTrace = {
    rule: 'known',
    matched: false,
    tags: [],
    condition: { op: 'exists', field: 'contactId', expected: true, found: undefined, passed: false },
  }
  t.match(
    whySentence({
      source: 's',
      trace: [missing],
      unmatched: [],
      jobs: [],
      heldBack: none,
      contactNotFoundRetryHours: 24,
    }),
    /`contactId` was missing, needs to be present/,
  )
  const stopped: RuleTrace = {
    rule: 'later',
    matched: false,
    tags: [],
    skipped: 'not evaluated: rule "a" has stop: true',
  }
  t.match(
    whySentence({
      source: 's',
      trace: [stopped],
      unmatched: [],
      jobs: [],
      heldBack: none,
      contactNotFoundRetryHours: 24,
    }),
    /rule `later` was not evaluated \(not evaluated: rule "a" has stop: true\)/,
  )
  t.match(
    whySentence({
      source: 's',
      trace: [{ rule: 'r', matched: true, tags: ['x'], unresolved: 'no email or phone' }],
      unmatched: [{ rule: 'r', reason: 'no email or phone' }],
      jobs: [],
      heldBack: none,
      contactNotFoundRetryHours: 24,
    }),
    /No tag: rule `r` matched but delivers nothing: no email or phone/,
  )
})

t.test('waiting says why (held back) or when; dead says what HighLevel answered', async (t) => {
  t.equal(
    whySentence({
      source: 's',
      trace: [],
      unmatched: [],
      jobs: [job({ status: 'pending', doneAt: null })],
      heldBack: (l) => (l === 'main' ? 'HighLevel daily budget spent until 2026-03-02T00:00:00.000Z' : null),
      contactNotFoundRetryHours: 24,
    }),
    '`vip` waiting: location main held back, HighLevel daily budget spent until 2026-03-02T00:00:00.000Z.',
  )
  t.equal(
    whySentence({
      source: 's',
      trace: [],
      unmatched: [],
      jobs: [job({ status: 'pending', doneAt: null, lastError: 'HighLevel 503' })],
      heldBack: none,
      contactNotFoundRetryHours: 24,
    }),
    '`vip` waiting: next attempt at 2026-03-01T14:02:11.000Z (the last try failed: HighLevel 503).',
  )
  t.equal(
    whySentence({
      source: 's',
      trace: [],
      unmatched: [],
      jobs: [job({ status: 'dead', doneAt: null, lastError: 'HighLevel 422: bad phone' })],
      heldBack: none,
      contactNotFoundRetryHours: 24,
    }),
    '`vip` not added: HighLevel 422: bad phone (dead letter 7: re-deliver it once fixed).',
  )
  t.equal(
    whySentence({
      source: 's',
      trace: [],
      unmatched: [],
      jobs: [job({ add: [], remove: ['old'] })],
      heldBack: none,
      contactNotFoundRetryHours: 24,
    }),
    'Removal of `old` done at 2026-03-01T14:02:11.000Z.',
  )
})

t.test('a contact not found yet: waiting for it to exist, since when, and what happens then (issue 30)', async (t) => {
  const waiting = job({
    status: 'pending',
    add: ['newsletter'],
    remove: ['lead-cold'],
    lastError: 'TAGRELAY_CONTACT_NOT_FOUND: no HighLevel contact with email new@example.com in location L1',
    createdAt: Date.parse('2026-03-01T13:40:00Z'),
    runAt: AT,
  })
  t.equal(
    whySentence({
      source: 'shop',
      trace: [],
      unmatched: [],
      jobs: [waiting],
      heldBack: none,
      contactNotFoundRetryHours: 24,
    }),
    '`newsletter` and removal of `lead-cold` waiting for the contact to exist in HighLevel (since 2026-03-01T13:40:00.000Z; ' +
      'new people wait up to 24 h, then become dead letters; add `create:` to make them), next look at 2026-03-01T14:02:11.000Z.',
  )
  t.match(
    whySentence({
      source: 'shop',
      trace: [],
      unmatched: [],
      jobs: [{ ...waiting, create: {} }],
      heldBack: none,
      contactNotFoundRetryHours: 2,
    }),
    /since 2026-03-01T13:40:00.000Z; the rule now creates it at the next attempt\)/,
  )
  t.match(
    whySentence({
      source: 'shop',
      trace: [],
      unmatched: [],
      jobs: [{ ...waiting, status: 'dead' }],
      heldBack: none,
      contactNotFoundRetryHours: 24,
    }),
    /not added: the contact was not found.* \(dead letter 7: re-deliver it once fixed; a re-delivery uses the rules in force, so a rule given `create:` creates the contact\)/,
  )
  t.match(
    whySentence({
      source: 'shop',
      trace: [],
      unmatched: [],
      jobs: [job({ add: [], remove: ['old'] })],
      heldBack: none,
      contactNotFoundRetryHours: 24,
    }),
    /^Removal of `old` done at 2026-03-01T14:02:11\.000Z\.$/,
  )
})

t.test('an ignored identifier is named in the why (issue 30, item 2)', async (t) => {
  const matched: RuleTrace = {
    rule: 'lead',
    matched: true,
    tags: ['lead'],
    contact: { email: 'ada@example.com' },
    ignored: ['phone `(415) 555-0142` at "phone" ignored: no country; set `ruleOptions.phoneCountry`'],
  }
  t.equal(
    whySentence({
      source: 'shop',
      trace: [matched],
      unmatched: [],
      jobs: [job({ add: ['lead'] })],
      heldBack: none,
      contactNotFoundRetryHours: 24,
    }),
    '`lead` added at 2026-03-01T14:02:11.000Z. Ignored: phone `(415) 555-0142` at "phone" ignored: no country; set `ruleOptions.phoneCountry`.',
  )
})
