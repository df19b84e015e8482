import { chmodSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { fileWarnings, loadConfigFile } from '../../src/config/index.js'
import { startService } from '../../src/service.js'
import { captureLogs } from '../helpers/build.js'
import { runCli } from '../helpers/cli.js'

const yaml = (token: string, storeUrl = 'sqlite::memory:') => `
server: { host: 127.0.0.1, port: 0 }
store: { url: "${storeUrl}" }
delivery: { enabled: false }
highlevel: { locations: { main: { locationId: L1, auth: { type: private-integration, token: "\${HL_TOKEN}" } } } }
sources: { website: { location: main, verify: { type: token, token: "${token}" } } }
rulesFrom: [rules.yaml]
`
const RULES = '- { name: r, source: website, contact: { email: e }, tags: [x] }\n'
const ENV = { HL_TOKEN: 'pit-0123456789abcdef', WEBSITE_TOKEN: 'website-token-0123456789' }

function setup(t: Tap, files: Record<string, [string, number]>): string {
  const dir = t.testdir(Object.fromEntries(Object.entries(files).map(([name, [text]]) => [name, text])))
  for (const [name, [, mode]] of Object.entries(files)) chmodSync(join(dir, name), mode)
  return dir
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]
const messages = (dir: string) => fileWarnings(join(dir, 'c.yaml'), ['rules.yaml']).map((w) => w.message)

t.test('no warning for private files, or for world-readable ones whose secrets come from ${VAR}', async (t) => {
  t.same(messages(setup(t, { 'c.yaml': [yaml('inline-token-0123456789'), 0o600], 'rules.yaml': [RULES, 0o600] })), [])
  t.same(messages(setup(t, { 'c.yaml': [yaml('${WEBSITE_TOKEN}'), 0o644], 'rules.yaml': [RULES, 0o644] })), [])
  t.same(
    messages(
      setup(t, {
        'c.yaml': [yaml('${WEBSITE_TOKEN}', 'postgres://app:${DB_PASS}@db/x'), 0o644],
        'rules.yaml': [RULES, 0o640],
      }),
    ),
    [],
  )
})

t.test('readable by others with an inline secret: a warning naming the file, the mode and the key', async (t) => {
  const dir = setup(t, { 'c.yaml': [yaml('inline-token-0123456789'), 0o644], 'rules.yaml': [RULES, 0o644] })
  const [w, ...rest] = fileWarnings(join(dir, 'c.yaml'), ['rules.yaml'])
  t.same(rest, [])
  t.match(w, { file: join(dir, 'c.yaml'), mode: '0644' })
  t.match(
    w?.message,
    `is readable by other users (mode 0644) and holds a secret inline at sources.website.verify.token`,
  )
  t.notMatch(w?.message, 'inline-token-0123456789', 'the secret itself is never shown')
  const url = setup(t, {
    'c.yaml': [yaml('${WEBSITE_TOKEN}', 'postgres://app:hunter2hunter2@db/x'), 0o604],
    'rules.yaml': [RULES, 0o600],
  })
  t.match(messages(url), [/holds a secret inline at store\.url/])
})

t.test('writable by others: a warning for the config and for each rules file', async (t) => {
  const dir = setup(t, { 'c.yaml': [yaml('${WEBSITE_TOKEN}'), 0o666], 'rules.yaml': [RULES, 0o662] })
  t.match(messages(dir), [
    `${join(dir, 'c.yaml')} is writable by other users (mode 0666)`,
    `${join(dir, 'rules.yaml')} is writable by other users (mode 0662)`,
  ])
  const both = setup(t, { 'c.yaml': [yaml('inline-token-0123456789'), 0o666], 'rules.yaml': [RULES, 0o600] })
  t.equal(messages(both).length, 2, 'writable, and readable with an inline secret')
})

t.test('tagrelay check prints the warnings and still exits 0', async (t) => {
  const dir = setup(t, { 'c.yaml': [yaml('inline-token-0123456789'), 0o666], 'rules.yaml': [RULES, 0o644] })
  const r = runCli(['check', '--config', join(dir, 'c.yaml')], ENV)
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, 'OK')
  t.match(r.stderr, `tagrelay: warning: ${join(dir, 'c.yaml')} is writable by other users (mode 0666)`)
  t.match(r.stderr, 'holds a secret inline at sources.website.verify.token')
})

t.test('serve logs the warnings at start', async (t) => {
  const dir = setup(t, { 'c.yaml': [yaml('inline-token-0123456789'), 0o644], 'rules.yaml': [RULES, 0o666] })
  const file = join(dir, 'c.yaml')
  const logs = captureLogs()
  const service = await startService({
    config: loadConfigFile(file, { env: ENV }),
    configFile: file,
    watchRules: false,
    logStream: logs.stream,
  })
  await service.close()
  const warnings = logs.lines().filter((l) => l.level === 40 && typeof l.file === 'string')
  t.match(warnings, [
    { file, mode: '0644', msg: /holds a secret inline at sources\.website\.verify\.token/ },
    { file: join(dir, 'rules.yaml'), mode: '0666', msg: /is writable by other users/ },
  ])
})
