import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type tap from 'tap'
import { ConfigError, loadConfigFile, RulesHolder } from '../../src/config/index.js'
import { buildApp } from '../../src/http/index.js'
import { createLogger } from '../../src/log.js'
import { createSourceRegistry } from '../../src/sources/index.js'
import { openStore } from '../../src/store/index.js'
import { captureLogs } from '../helpers/build.js'
import { holds } from '../helpers/until.js'

const MAIN = `
highlevel:
  locations:
    main: { locationId: L1, auth: { type: private-integration, token: pit-token-value } }
    europe: { locationId: L2, auth: { type: private-integration, token: pit-token-value } }
sources:
  typeform: { location: main, verify: { type: none } }
rulesFrom: [./rules/, ./extra.yaml]
rules:
  - { name: inline, source: typeform, contact: { email: email }, tags: [inline] }
`
const GOOD_A = `
- name: lead
  source: typeform
  when: { field: form_response.form_id, equals: abc }
  contact: { email: "form_response.answers[type=email].email" }
  tags: [lead]
`
const EXTRA = `
rules:
  - { name: eu, source: typeform, location: europe, contact: { email: email }, tags: [eu] }
`
/** Three different mistakes: an unknown operator, a bad regex, an unknown location. */
const THREE_MISTAKES = `- name: typo
  source: typeform
  when: { field: plan, equal: pro }
  contact: { email: email }
  tags: [a]
- name: bad regex
  source: typeform
  when: { field: email, matches: "(a" }
  contact: { email: email }
  tags: [b]
- name: wrong place
  source: typeform
  location: asia
  contact: { email: email }
  tags: [c]
`

function setup(t: Parameters<Parameters<typeof tap.test>[0]>[0]) {
  const dir = t.testdir({
    'tagrelay.yaml': MAIN,
    rules: { 'a.yaml': GOOD_A, 'notes.txt': 'ignored' },
    'extra.yaml': EXTRA,
  })
  return { dir, file: join(dir, 'tagrelay.yaml') }
}

t.test('rules come from the config, then the files and folders it names, in order', async (t) => {
  const { file } = setup(t)
  const config = loadConfigFile(file, { env: {} })
  t.same(
    config.rules.map((r) => r.name),
    ['inline', 'lead', 'eu'],
  )
  t.equal(config.rules[2]!.location, 'europe')
})

t.test('a rules file with three mistakes reports all three with file:line:column and rule name', async (t) => {
  const { dir, file } = setup(t)
  const bad = join(dir, 'rules', 'b.yaml')
  writeFileSync(bad, THREE_MISTAKES)
  let problems: string[] = []
  try {
    loadConfigFile(file, { env: {} })
    t.fail('expected a ConfigError')
  } catch (err) {
    t.type(err, ConfigError)
    problems = (err as ConfigError).problems
  }
  t.equal(problems.length, 3, 'three problems', { problems })
  t.match(
    problems[0],
    `0.when: rule "typo": unknown operator "equal" (valid: equals, not_equals, in, not_in, contains, starts_with, ends_with, matches, exists, empty, gt, gte, lt, lte, between) (${bad}:3:9)`,
  )
  t.match(
    problems[1],
    new RegExp(`^1\\.when\\.matches: rule "bad regex": invalid regular expression .*\\(${bad}:8:34\\)$`),
  )
  t.match(problems[2], `2.location: rule "wrong place": unknown location "asia" (known: main, europe) (${bad}:13:13)`)
})

t.test('cross-file problems: duplicate names, unknown sources, YAML errors, missing files', async (t) => {
  const { dir, file } = setup(t)
  writeFileSync(join(dir, 'extra.yaml'), '- { name: lead, source: tally, contact: { email: e }, tags: [x] }\n')
  writeFileSync(join(dir, 'rules', 'c.yml'), 'rules: [ { name: x\n')
  writeFileSync(join(dir, 'rules', 'd.yaml'), 'just: a mapping\n')
  const err = t.throws(() => loadConfigFile(file, { env: {} })) as ConfigError
  const text = err.problems.join('\n')
  t.match(text, /0\.name: duplicate rule name "lead" \(.*extra\.yaml:1:11\)/)
  t.match(text, /0\.source: rule "lead": unknown source "tally" \(.*extra\.yaml:1:25\)/)
  t.match(text, /c\.yml:\d+:\d+: /, 'a YAML syntax error has its position')
  t.match(text, /rules: a rules file holds a list of rules .*d\.yaml:1:1/)

  writeFileSync(file, MAIN.replace('./extra.yaml', './gone.yaml'))
  t.match(
    (t.throws(() => loadConfigFile(file, { env: {} })) as ConfigError).problems.join('\n'),
    /rulesFrom\.1: cannot read .*gone\.yaml: ENOENT/,
  )
})

t.test('main-config rule problems have positions too', async (t) => {
  const dir = t.testdir({
    'c.yaml': MAIN.replace('rulesFrom: [./rules/, ./extra.yaml]\n', '').replace(
      'tags: [inline]',
      'tags: ["{{ x | shout }}"]',
    ),
  })
  const err = t.throws(() => loadConfigFile(join(dir, 'c.yaml'), { env: {} })) as ConfigError
  t.match(err.problems, [/^rules\.0\.tags\.0: rule "inline": tag template: unknown filter "shout" .*c\.yaml:9:73\)$/])
})

t.test('reload: an invalid file keeps the running rules; a valid one swaps them; /readyz follows', async (t) => {
  const { dir, file } = setup(t)
  const logs = captureLogs()
  const logger = createLogger({ level: 'info', stream: logs.stream })
  const config = loadConfigFile(file, { env: {} })
  const holder = new RulesHolder({ config, configFile: file, logger, load: { env: {} } })
  const store = await openStore({ url: 'sqlite::memory:' })
  const app = await buildApp({
    config,
    store,
    sources: createSourceRegistry(config.sources),
    rules: () => holder.current(),
    logger,
  })
  t.teardown(async () => {
    await app.close()
    await store.close()
  })
  const readyVersion = async () => (await app.inject({ url: '/readyz' })).json() as { rules: string; ruleCount: number }
  const first = holder.current().version
  t.same(await readyVersion(), { status: 'ready', store: 'sqlite', rules: first, ruleCount: 3 })

  writeFileSync(join(dir, 'rules', 'b.yaml'), THREE_MISTAKES)
  const refused = holder.reload('test')
  t.equal(refused.ok, false)
  t.equal(refused.ok === false && refused.problems.length, 3)
  t.equal(holder.current().version, first, 'the old rules stay')
  t.equal((await readyVersion()).rules, first, '/readyz still shows the old version')
  t.match(
    logs.lines().find((l) => l.level === 50),
    {
      msg: /rules reload refused/,
      rules: first,
      trigger: 'test',
      problems: [/unknown operator/, /regular expression/, /unknown location/],
    },
  )

  writeFileSync(
    join(dir, 'rules', 'b.yaml'),
    '- { name: new, source: typeform, contact: { email: email }, tags: [new] }\n',
  )
  const ok = holder.reload('test')
  t.match(ok, { ok: true, changed: true })
  t.not(holder.current().version, first)
  t.same(await readyVersion(), { status: 'ready', store: 'sqlite', rules: holder.current().version, ruleCount: 4 })
  t.match(
    logs.lines().find((l) => l.msg === 'rules reloaded'),
    { previous: first, rules: holder.current().version, ruleCount: 4 },
  )
  t.match(holder.reload('again'), { ok: true, changed: false })
})

t.test('the holder reloads when a watched file changes (debounced)', async (t) => {
  const { dir, file } = setup(t)
  const logs = captureLogs()
  const holder = new RulesHolder({
    config: loadConfigFile(file, { env: {} }),
    configFile: file,
    logger: createLogger({ level: 'info', stream: logs.stream }),
    load: { env: {} },
    debounceMs: 50,
  })
  t.teardown(() => holder.close())
  holder.watch()
  const first = holder.current().version
  writeFileSync(
    join(dir, 'rules', 'new.yaml'),
    '- { name: watched, source: typeform, contact: { email: email }, tags: [w] }\n',
  )
  writeFileSync(
    join(dir, 'rules', 'new.yaml'),
    '- { name: watched, source: typeform, contact: { email: email }, tags: [w2] }\n',
  )
  await holds(() => holder.current().version !== first)
  t.not(holder.current().version, first, 'a new file in a rules folder was picked up')
  t.equal(holder.current().count, 4)
  t.ok(
    logs.lines().filter((l) => String(l.msg).startsWith('rules reloaded')).length >= 1,
    'reloaded (quick writes are debounced)',
  )
})

t.test('a holder without a config file keeps its rules', async (t) => {
  const { file } = setup(t)
  const holder = new RulesHolder({
    config: loadConfigFile(file, { env: {} }),
    logger: createLogger({ level: 'info', stream: captureLogs().stream }),
  })
  t.match(holder.reload('x'), { ok: true, changed: false })
  holder.watch()
  holder.close()
})
