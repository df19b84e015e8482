import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { repoRoot, runCli } from '../helpers/cli.js'
import { DEMO_EVENTS } from '../../src/demo/samples.js'

const cli = runCli

t.test('test-rule on every examples/ payload shows the tags and each condition', async (t) => {
  const payloads = readdirSync(join(repoRoot, 'examples/payloads')).filter((f) => f.endsWith('.json'))
  t.ok(payloads.length >= 3)
  for (const file of payloads) {
    const sample = DEMO_EVENTS.find((e) => e.file === `payloads/${file}`)
    t.ok(sample, `${file} has a source in DEMO_EVENTS`)
    if (!sample) continue
    // no *_TOKEN variables set: test-rule needs no secret
    const r = cli([
      'test-rule',
      '--config',
      'examples/demo.yaml',
      '--source',
      sample.source,
      '--payload',
      `examples/payloads/${file}`,
    ])
    t.equal(r.status, 0, `${file}: ${r.stderr}`)
    t.match(
      r.stdout,
      new RegExp(`^source ${sample.source}, rules version [0-9a-f]{12}: \\d+ of \\d+ rules matched`),
      file,
    )
    t.match(r.stdout, /✓ rule "[^"]+": matched/, `${file}: a rule matched`)
    t.match(r.stdout, /\n {4,}[✓✗] \S+ (equals|in|gt|not_equals|exists) .*: found /, `${file}: per-condition values`)
    t.match(r.stdout, /\n {4}tags: \S/, `${file}: the tags`)
    t.match(r.stdout, /\nresult:\n {2}(email|id) \S+: add \S/, `${file}: the result per contact`)
  }
})

t.test('test-rule explains a typeform answer in detail', async (t) => {
  const r = cli(['test-rule', '-c', 'examples/demo.yaml', '-s', 'typeform', '-p', 'examples/payloads/typeform.json'])
  t.match(r.stdout, '✓ form_response.form_id equals "lT4Z3j": found "lT4Z3j"')
  t.match(r.stdout, 'tags: webinar-2026, sales-interest, utm-newsletter')
  t.match(r.stdout, 'contact: email ada@example.com')
  t.match(r.stdout, 'create if missing with firstName="Ada"')
  const json = cli([
    'test-rule',
    '-c',
    'examples/demo.yaml',
    '-s',
    'typeform',
    '-p',
    'examples/payloads/typeform.json',
    '--json',
  ])
  t.match(JSON.parse(json.stdout), {
    source: 'typeform',
    intents: [{ add: ['webinar-2026', 'sales-interest', 'utm-newsletter'] }],
    trace: [{ rule: 'webinar lead', matched: true }],
  })
})
