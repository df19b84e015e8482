import { join } from 'node:path'
import t from 'tap'
import { testRule } from '../../src/commands/test-rule.js'
import { build, SOURCE_TOKEN } from '../helpers/build.js'
import { runCli } from '../helpers/cli.js'

/**
 * Issue 30, items 2 and 8: a phone that cannot be placed is said to be ignored (test-rule,
 * the 202 answer) rather than dropped in silence, and `check` warns while no
 * `ruleOptions.phoneCountry` is set; `test-rule` reads the bodies the server reads.
 */
const config = (phoneCountry: string) => `
highlevel: { locations: { main: { locationId: L1, auth: { type: private-integration, token: pit-x } } } }
sources: { forms: { location: main, verify: { type: none } } }
${phoneCountry}
rules:
  - { name: lead, source: forms, contact: { email: email, phone: phone, create: { firstName: name } }, tags: [lead] }
`
const PHONE_IGNORED =
  'phone `(415) 555-0142` at "phone" ignored: no country; set `ruleOptions.phoneCountry` or send it with +country code'

t.test('a national-format phone: ignored and said so without phoneCountry, used with it', async (t) => {
  const dir = t.testdir({
    'without.yaml': config(''),
    'with.yaml': config('ruleOptions: { phoneCountry: US }'),
    'p.json': JSON.stringify({ email: 'ada@example.com', phone: '(415) 555-0142', name: 'Ada' }),
  })
  const payload = join(dir, 'p.json')
  const without = testRule({ config: join(dir, 'without.yaml'), source: 'forms', payload })
  t.match(without, PHONE_IGNORED)
  t.match(without, /contact: email ada@example\.com\n/, 'the email alone is used')
  const withCountry = testRule({ config: join(dir, 'with.yaml'), source: 'forms', payload })
  t.notMatch(withCountry, /ignored/)
  t.match(withCountry, /contact: email ada@example\.com, phone \+14155550142/)
  const json = JSON.parse(testRule({ config: join(dir, 'without.yaml'), source: 'forms', payload, json: true })) as {
    ignored: unknown
  }
  t.same(json.ignored, [{ rule: 'lead', reason: PHONE_IGNORED }])

  const check = runCli(['check', '-c', join(dir, 'without.yaml')])
  t.equal(check.status, 0, check.stderr)
  t.match(
    check.stderr,
    /warning: rule "lead" reads a phone and ruleOptions.phoneCountry is not set: a phone without \+country code, such as \(415\) 555-0142, is ignored/,
  )
  t.notMatch(runCli(['check', '-c', join(dir, 'with.yaml')]).stderr, /phoneCountry is not set/)
})

t.test('the 202 answer reports the ignored phone and lists removals', async (t) => {
  const { app } = await build(t, {
    rules: [
      {
        name: 'phone lead',
        source: 'forms',
        when: { field: 'type', equals: 'lead' },
        contact: { email: 'email', phone: 'phone' },
        tags: ['lead'],
        untag: ['cold'],
      },
    ],
  })
  const res = await app.inject({
    method: 'POST',
    url: '/hooks/forms',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
    payload: { type: 'lead', email: 'ada@example.com', phone: '415-555-0188' },
  })
  t.equal(res.statusCode, 202)
  t.match(res.json(), {
    tags: ['lead'],
    removed: ['cold'],
    ignored: [
      {
        rule: 'phone lead',
        reason: /^phone `415-555-0188` at "phone" ignored: no country; set `ruleOptions.phoneCountry`/,
      },
    ],
    jobs: [{ contact: { email: 'ada@example.com' }, add: ['lead'], remove: ['cold'], ifNew: 'wait' }],
  })
})

t.test('test-rule --content-type reads urlencoded and multipart bodies as the server does', async (t) => {
  const boundary = 'XyZ'
  const dir = t.testdir({
    'c.yaml': config('ruleOptions: { phoneCountry: US }'),
    'form.txt': 'email=ada%40example.com&name=Ada&phone=%2B14155550142',
    'multi.txt': [
      `--${boundary}`,
      'Content-Disposition: form-data; name="email"',
      '',
      'grace@example.com',
      `--${boundary}--`,
      '',
    ].join('\r\n'),
    'h.json': JSON.stringify({ 'Content-Type': 'application/x-www-form-urlencoded' }),
  })
  const c = join(dir, 'c.yaml')
  const form = testRule({
    config: c,
    source: 'forms',
    payload: join(dir, 'form.txt'),
    contentType: 'application/x-www-form-urlencoded',
  })
  t.match(form, /contact: email ada@example\.com, phone \+14155550142/)
  t.match(form, /create if missing with firstName="Ada"/)
  t.match(
    testRule({ config: c, source: 'forms', payload: join(dir, 'form.txt'), headers: join(dir, 'h.json') }),
    /email ada@example\.com/,
    "the headers file's Content-Type is used when --content-type is not given",
  )
  t.match(
    testRule({
      config: c,
      source: 'forms',
      payload: join(dir, 'multi.txt'),
      contentType: `multipart/form-data; boundary=${boundary}`,
    }),
    /contact: email grace@example\.com/,
  )
  t.throws(() => testRule({ config: c, source: 'forms', payload: join(dir, 'form.txt'), contentType: 'image/png' }), {
    code: 'TAGRELAY_TEST_RULE_INPUT',
    message: /payload file .*form\.txt as image\/png: .*not supported/,
  })
  const cli = runCli([
    'test-rule',
    '-c',
    c,
    '-s',
    'forms',
    '-p',
    join(dir, 'form.txt'),
    '--content-type',
    'application/x-www-form-urlencoded',
  ])
  t.equal(cli.status, 0, cli.stderr)
  t.match(cli.stdout, /email ada@example\.com/)
})
