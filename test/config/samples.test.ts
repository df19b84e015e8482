import { chmodSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { sampleWarnings, validateConfig } from '../../src/config/index.js'
import { repoRoot, runCli } from '../helpers/cli.js'

const base = {
  highlevel: { locations: { main: { locationId: 'L1', auth: { type: 'private-integration', token: 'pit-x' } } } },
}

function configWith(sample: string | undefined, rules: unknown[]) {
  return validateConfig({
    ...base,
    sources: { typeform: { location: 'main', verify: { type: 'none' }, ...(sample ? { sample } : {}) } },
    rules,
  })
}

const typeformSample = 'examples/payloads/typeform.json'

t.test('a rule path that finds nothing in the sample is a warning; paths that find something are not', async (t) => {
  const config = configWith(typeformSample, [
    {
      name: 'interest',
      source: 'typeform',
      when: {
        all: [
          { field: 'form_response.form_id', equals: 'lT4Z3j' },
          { field: 'form_response.answers[field.ref=interest].choice.label', exists: true },
          { field: 'form_response.answers[ref=interest].choice.label', exists: true },
          { field: 'form_response.cancelled_at', exists: false },
          { field: '$headers.x-test', exists: true },
        ],
      },
      contact: { email: 'form_response.answers[type=email].email', phone: 'form_response.answers[type=phone].phon' },
      tags: ['x'],
    },
  ])
  t.same(sampleWarnings(config, repoRoot), [
    `rule "interest": "form_response.answers[ref=interest].choice.label" finds nothing in ${typeformSample} (sample of typeform)`,
    `rule "interest": "form_response.answers[type=phone].phon" finds nothing in ${typeformSample} (sample of typeform)`,
  ])
})

t.test('[*] paths warn only when no element has the value', async (t) => {
  const config = configWith(typeformSample, [
    { name: 'a', source: 'typeform', when: { field: 'form_response.answers[*].email', exists: true }, stop: true },
    { name: 'b', source: 'typeform', when: { field: 'form_response.answers[*].nope', exists: true }, stop: true },
  ])
  t.same(sampleWarnings(config, repoRoot), [
    `rule "b": "form_response.answers[*].nope" finds nothing in ${typeformSample} (sample of typeform)`,
  ])
})

t.test('no sample, no warning; an unreadable sample is a warning', async (t) => {
  const rules = [{ name: 'a', source: 'typeform', when: { field: 'x.y', exists: true }, stop: true }]
  t.same(sampleWarnings(configWith(undefined, rules), repoRoot), [])
  t.match(sampleWarnings(configWith('nope.json', rules), repoRoot), [
    /^sources\.typeform\.sample: cannot read nope\.json as JSON \(ENOENT\)$/,
  ])
  t.match(sampleWarnings(configWith('README.md', rules), repoRoot), [/cannot read README\.md as JSON \(.*JSON/])
})

t.test('tagrelay check prints the warnings and still exits 0', async (t) => {
  const dir = t.testdir({
    'c.yaml': `highlevel: { locations: { main: { locationId: L1, auth: { type: private-integration, token: pit-x } } } }
sources: { typeform: { location: main, verify: { type: none }, sample: ${join(repoRoot, typeformSample)} } }
rules:
  - { name: typo, source: typeform, when: { field: "form_response.answers[ref=interest].choice.label", equals: Pricing }, stop: true }
`,
  })
  chmodSync(join(dir, 'c.yaml'), 0o600) // no file-permission warning beside the sample's
  const r = runCli(['check', '-c', join(dir, 'c.yaml')])
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, /: OK \(.*\), 1 warning$/m)
  t.match(
    r.stderr,
    /^tagrelay: warning: rule "typo": "form_response\.answers\[ref=interest\]\.choice\.label" finds nothing in /m,
  )
})

t.test('tag template paths are tried on the sample too (issue 30)', async (t) => {
  const config = configWith(typeformSample, [
    {
      name: 'goals',
      source: 'typeform',
      contact: { email: 'form_response.answers[type=email].email', create: {} },
      tags: [
        'goal-{{ form_response.answers[field.ref=goals].choice.label | slug }}',
        'form-{{ form_response.form_id }}',
        'plan-{{ form_response.hidden.plan | default:"none" }}',
      ],
    },
  ])
  t.same(sampleWarnings(config, repoRoot), [
    `rule "goals": "form_response.answers[field.ref=goals].choice.label" finds nothing in ${typeformSample} (sample of typeform)`,
    `rule "goals": "form_response.hidden.plan" finds nothing in ${typeformSample} (sample of typeform): its tag template falls back to its default`,
  ])
})
