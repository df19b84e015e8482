import { join } from 'node:path'
import fc from 'fast-check'
import t from 'tap'
import { ConfigError, parseConfigText } from '../../src/config/index.js'
import { runCli } from '../helpers/cli.js'

const config = (token: string) => `
highlevel: { locations: { main: { locationId: L1, auth: { type: private-integration, token: "pit-0123456789abcdef" } } } }
sources: { website: { location: main, verify: { type: token, token: "${token}" } } }
`

function problems(token: string, env: Record<string, string> = {}, allowMissingEnv = false): string[] {
  try {
    parseConfigText(config(token), 'c.yaml', { env, allowMissingEnv })
    return []
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    return err.problems
  }
}

t.test('a reference that is not well formed is an error naming the key and the text', async (t) => {
  const env = { WEBSITE_TOKEN: 'website-token-0123456789', A: 'aaaaaaaaaaaaaaaaaaaaaaa', B: 'b', VAR: 'v' }
  for (const [text, shown] of [
    ['${WEBSITE_TOKEN', '"${WEBSITE_TOKEN" has no closing "}"'],
    ['${A:-${B}}', '"${A:-${B}" is not a variable reference'],
    ['${1BAD}', '"${1BAD}" is not a variable reference'],
    ['${VAR }', '"${VAR }" is not a variable reference'],
    ['${}', '"${}" is not a variable reference'],
    ['prefix-${A}-${B', '"${B" has no closing "}"'],
    ['${A-x}', '"${A-x}" is not a variable reference'],
  ]) {
    const found = problems(text, env)
    t.equal(found.length, 1, text)
    t.match(found[0], 'sources.website.verify.token: ', `${text}: names the key`)
    t.match(found[0], shown, `${text}: shows the text`)
    t.match(found[0], 'write ${NAME}, ${NAME:-default}, or $${ for a literal "${"', `${text}: says what to write`)
    t.match(found[0], /\(c\.yaml:3:\d+\)/, `${text}: with its line`)
    t.same(problems(text, env, true), found, `${text}: refused even when unset variables are allowed`)
  }
})

t.test('well-formed references, escapes and lone dollars still work', async (t) => {
  const token = (text: string, env: Record<string, string>) => {
    const c = parseConfigText(config(text), 'c.yaml', { env })
    return (c.sources.website!.verify as { token: string[] }).token[0]
  }
  t.equal(token('${T}', { T: 'tok-0123456789abcdef' }), 'tok-0123456789abcdef')
  t.equal(token('${T:-dflt-0123456789abcdef}', {}), 'dflt-0123456789abcdef')
  t.equal(token('${T:-}x-0123456789abcdef', {}), 'x-0123456789abcdef')
  t.equal(token('pa$$word-$${LITERAL}-$5-$', {}), 'pa$$word-${LITERAL}-$5-$')
  t.equal(token('${T:-a$b}-0123456789abcdef', {}), 'a$b-0123456789abcdef', 'a $ in a default')
  t.equal(token('${A}${B}-0123456789', { A: 'x', B: 'y' }), 'xy-0123456789')
})

t.test('property: text without "${" is never changed; a value from the environment is inserted verbatim', async (t) => {
  const text = fc.string({ unit: fc.constantFrom('a', '$', '{', '}', ':', '-', ' '), maxLength: 30 })
  fc.assert(
    fc.property(text, text, (before, value) => {
      const clean = before.replaceAll('${', '')
      if (clean.includes('${')) return
      const kept = parseConfigText(config(`tok-0123456789-${clean}`), 'c.yaml', { env: {} })
      const text = (kept.sources.website!.verify as { token: string[] }).token[0]
      if (text !== `tok-0123456789-${clean}`) throw new Error(`${text} !== ${clean}`)
      const inserted = parseConfigText(config('${V}'), 'c.yaml', { env: { V: `tok-0123456789-${value}` } })
      const tok = (inserted.sources.website!.verify as { token: string[] }).token[0]
      if (tok !== `tok-0123456789-${value}`) throw new Error(`${tok} !== ${value}`)
    }),
    { numRuns: 300 },
  )
  t.pass('as specified')
})

t.test('tagrelay check reports a malformed reference, in the config or a rules file, and exits 1', async (t) => {
  const dir = t.testdir({
    'c.yaml': config('${WEBSITE_TOKEN'),
    'ok.yaml': `${config('${WEBSITE_TOKEN}')}rulesFrom: [rules.yaml]\n`,
    'rules.yaml': '- { name: "${NAME", source: website, contact: { email: e }, tags: [x] }\n',
  })
  const env = { WEBSITE_TOKEN: 'website-token-0123456789' }
  const r = runCli(['check', '--config', join(dir, 'c.yaml')], env)
  t.equal(r.status, 1)
  t.match(r.stderr, 'sources.website.verify.token: "${WEBSITE_TOKEN" has no closing "}"')
  t.notMatch(r.stdout, 'OK')
  const rules = runCli(['check', '--config', join(dir, 'ok.yaml')], env)
  t.equal(rules.status, 1)
  t.match(rules.stderr, `0.name: "\${NAME" has no closing "}": write \${NAME}`)
  t.match(rules.stderr, join(dir, 'rules.yaml'))
})
