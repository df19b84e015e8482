import t from 'tap'
import { compileRules, ruleSchema } from '../../src/rules/index.js'

const compile = (rules: unknown[], opts = {}) => compileRules(ruleSchema.array().parse(rules), opts)

/** The tags and skipped-template trace of one rule with `tags` on `body`. */
function render(tags: string[], body: Record<string, unknown>, opts = {}) {
  const rules = compile([{ name: 'r', source: 's', contact: { email: 'email' }, tags }], opts)
  const res = rules.evaluate({
    source: 's',
    body: { email: 'a@example.com', ...body },
    receivedAt: Date.parse('2026-11-20T14:32:00Z'),
  })
  return { tags: res.trace[0]!.tags, skipped: res.trace[0]!.skippedTags ?? [], intents: res.intents }
}

const rejects = (tag: string) =>
  !ruleSchema.safeParse({ name: 'r', source: 's', contact: { email: 'e' }, tags: [tag] }).success

t.test('a template reads a field', async (t) => {
  t.same(
    render(['utm-{{ utm.source }}'], { utm: { source: 'Newsletter' } }).tags,
    ['utm-newsletter'],
    'normalised: lowercased',
  )
  t.same(render(['{{a}}-{{ b }}'], { a: 'x', b: 2 }).tags, ['x-2'], 'numbers render as text')
  t.same(render(['plan {{ plan }}'], { plan: '  Pro   Plus ' }).tags, ['plan pro plus'], 'whitespace collapsed')
  t.same(render(['{{ $source }}-event'], {}).tags, ['s-event'])
})

t.test('a missing field produces no tag, and the trace says why', async (t) => {
  const r = render(['utm-{{ utm.source }}', 'always'], {})
  t.same(r.tags, ['always'], 'no "utm-" stub')
  t.same(r.skipped, [{ template: 'utm-{{ utm.source }}', skipped: 'no value at "utm.source"' }])
  t.same(r.intents[0]?.add, ['always'])
  t.match(render(['utm-{{ u }}'], { u: '  ' }).skipped, [{ skipped: 'an empty value at "u"' }], 'blank is missing too')
  t.match(
    render(['utm-{{ u }}'], { u: { a: 1 } }).skipped,
    [{ skipped: 'not a single value at "u"' }],
    'wrong type: object',
  )
  t.match(
    render(['utm-{{ u }}'], { u: ['a'] }).skipped,
    [{ skipped: 'not a single value at "u"' }],
    'wrong type: array',
  )
  t.match(render(['utm-{{ u }}'], { u: null }).skipped, [{ skipped: 'no value at "u"' }])
  const none = render(['{{ missing }}'], {})
  t.same(none.tags, [])
  t.same(none.intents, [], 'a rule whose every tag is skipped delivers nothing')
})

t.test('filters', async (t) => {
  t.same(render(['{{ c | slug }}'], { c: '  Ünïcode & Friends: 2026! ' }).tags, ['unicode-friends-2026'], 'slug')
  t.same(render(['{{ c | slug }}'], { c: '!!!' }).tags, [], 'a slug of nothing is no tag')
  t.same(
    render(['{{ c | upper }}'], { c: 'vip' }, { lowercaseTags: false }).tags,
    ['VIP'],
    'upper (kept with lowercaseTags: false)',
  )
  t.same(render(['{{ c | lower }}'], { c: 'VIP' }, { lowercaseTags: false }).tags, ['vip'], 'lower')
  t.same(render(['[{{ c | trim }}]'], { c: '  x  ' }).tags, ['[x]'], 'trim')
  t.same(render(['utm-{{ u | default:"direct" }}'], {}).tags, ['utm-direct'], 'default when missing')
  t.same(render(['utm-{{ u | default:"direct" }}'], { u: '' }).tags, ['utm-direct'], 'default when empty')
  t.same(render(['utm-{{ u | default:"direct" }}'], { u: 'ads' }).tags, ['utm-ads'], 'default unused when present')
  t.same(render(['{{ u | default:"a|b" }}'], {}).tags, ['a|b'], 'a quoted argument may hold |')
  t.same(render(['{{ u | default:"Big Sale" | slug }}'], {}).tags, ['big-sale'], 'filters chain left to right')
  t.same(render(['signup-{{ at | date:"YYYY-MM" }}'], { at: '2026-11-20T14:32:00Z' }).tags, ['signup-2026-11'], 'date')
  t.same(render(['{{ at | date:"YYYY-MM-DD HH:mm:ss" }}'], { at: '2026-01-02T03:04:05+00:00' }).tags, [
    '2026-01-02 03:04:05',
  ])
  t.same(render(['{{ at | date:"YYYY" }}'], { at: 1767225600 }).tags, ['2026'], 'epoch seconds')
  t.same(render(['{{ at | date:"YYYY" }}'], { at: '1767225600000' }).tags, ['2026'], 'epoch milliseconds')
  t.same(render(['m-{{ $receivedAt | date:"YYYY-MM" }}'], {}).tags, ['m-2026-11'])
  const bad = render(['m-{{ at | date:"YYYY-MM" }}'], { at: 'soon' })
  t.same(bad.tags, [])
  t.match(bad.skipped, [{ skipped: '"soon" is not a date at "at"' }], 'wrong type for date')
  t.match(render(['m-{{ at | date:"YYYY" }}'], {}).skipped, [{ skipped: 'no value at "at"' }], 'missing for date')
})

t.test('normalisation: trimmed, collapsed, lowercased by default, de-duplicated, length-checked', async (t) => {
  t.same(render(['  VIP  ', 'vip', '{{ a }}', 'Big   Sale'], { a: 'Vip' }).tags, ['vip', 'big sale'])
  t.same(render(['VIP', 'vip'], {}, { lowercaseTags: false }).tags, ['VIP', 'vip'], 'lowercaseTags: false keeps case')
  const long = render(['x-{{ a }}'], { a: 'y'.repeat(120) })
  t.same(long.tags, [])
  t.match(
    long.skipped,
    [{ skipped: /longer than 100 characters/ }],
    'a rendered tag that is too long is dropped with a reason',
  )
  const literal = ruleSchema.safeParse({ name: 'r', source: 's', contact: { email: 'e' }, tags: ['z'.repeat(101)] })
  t.match(
    literal.error?.issues[0]?.message,
    /at most 100 characters \(this one has 101\)/,
    'a literal that is too long is refused at load',
  )
})

t.test('malformed templates are refused at load', async (t) => {
  t.ok(rejects('{{ a'), 'unbalanced')
  t.ok(rejects('a }}'), 'unbalanced close')
  t.ok(rejects('{{ }}'), 'no path')
  t.ok(rejects('{{ a..b }}'), 'bad path')
  t.ok(rejects('{{ items[*].sku }}'), 'wildcard')
  t.ok(rejects('{{ a | shout }}'), 'unknown filter')
  t.ok(rejects('{{ a | default }}'), 'default without argument')
  t.ok(rejects('{{ a | date }}'), 'date without format')
  t.ok(rejects('{{ a | slug:"x" }}'), 'slug with an argument')
  t.ok(rejects('{{ a | default:unquoted }}'), 'unquoted argument')
  const r = ruleSchema.safeParse({ name: 'r', source: 's', contact: { email: 'e' }, tags: ['{{ a | shout }}'] })
  t.match(r.error?.issues[0]?.message, /unknown filter "shout" \(known: slug, lower, upper, trim, default, date\)/)
})
