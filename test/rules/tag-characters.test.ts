import fc from 'fast-check'
import t from 'tap'
import { compileRules, formatEvaluation, ruleSchema } from '../../src/rules/index.js'

const rule = (tags: string[]) => ({ name: 'r', source: 's', contact: { id: 'id' }, tags })
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}]/u

t.test('a literal tag with a control or format character is refused at load, naming it', async (t) => {
  for (const [tag, code] of [
    ['vip\u0000', 'U+0000'],
    ['\u001b[31mred', 'U+001B'],
    ['ding\u0007', 'U+0007'],
    ['\u202egnp.exe', 'U+202E'],
    ['zero\u200bwidth', 'U+200B'],
    ['lone \ud800 surrogate', 'U+D800'],
    ['utm-{{ source }}\u0000', 'U+0000'],
  ]) {
    const parsed = ruleSchema.safeParse(rule([tag as string]))
    t.notOk(parsed.success, JSON.stringify(tag))
    t.match(parsed.error?.issues[0]?.message, `a tag must not contain control or format characters (found ${code})`)
  }
  t.ok(
    ruleSchema.safeParse(rule(['Signed\tUp\n', 'emoji 😀', 'zoë'])).success,
    'white space and paired surrogates are fine',
  )
})

t.test('a rendered tag is cleaned, and the explanation says what was removed', async (t) => {
  const rules = compileRules([ruleSchema.parse(rule(['utm-{{ src }}', 'keep']))])
  const evaluation = rules.evaluate({
    source: 's',
    body: { id: 'c1', src: '\u0000news\u001b[31m\u202eletter\ud800\u0007' },
  })
  t.same(evaluation.intents[0]?.add, ['utm-news[31mletter', 'keep'])
  t.same(evaluation.trace[0]?.cleanedTags, [
    {
      template: 'utm-{{ src }}',
      tag: 'utm-news[31mletter',
      cleaned: 'removed 5 control or format characters (U+0000, U+001B, U+202E, U+D800, U+0007)',
    },
  ])
  t.match(
    formatEvaluation(evaluation, { source: 's', rulesVersion: rules.version, contactNotFoundRetryHours: 24 }),
    'tag "utm-news[31mletter" from "utm-{{ src }}": removed 5 control or format characters',
  )
  const clean = rules.evaluate({ source: 's', body: { id: 'c1', src: 'mail\tout' } })
  t.same(clean.intents[0]?.add, ['utm-mail out', 'keep'], 'tabs are white space, not removed characters')
  t.equal(clean.trace[0]?.cleanedTags, undefined)
  const only = rules.evaluate({ source: 's', body: { id: 'c1', src: '\u202e\u200b' } })
  t.same(only.intents[0]?.add, ['keep'], 'a value of only invisible characters is an empty value: no stub tag')
  t.same(only.trace[0]?.skippedTags, [{ template: 'utm-{{ src }}', skipped: 'an empty value at "src"' }])
})

t.test('property: no rendered tag holds a control or format character or a lone surrogate', async (t) => {
  const rules = compileRules([ruleSchema.parse(rule(['{{ v }}', 'x-{{ v | lower }}', '{{ v | slug }}']))])
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (v) => {
      for (const intent of rules.evaluate({ source: 's', body: { id: 'c', v } }).intents)
        for (const tag of intent.add) if (INVISIBLE.test(tag)) throw new Error(JSON.stringify(tag))
    }),
    { numRuns: 2000 },
  )
  t.pass('none')
})
