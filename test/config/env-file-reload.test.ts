import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type tap from 'tap'
import { loadConfigFile, RulesHolder } from '../../src/config/index.js'
import { loadEnvFile, reloadEnvFile } from '../../src/env-file.js'
import { createLogger } from '../../src/log.js'
import { captureLogs } from '../helpers/build.js'
import { until } from '../helpers/until.js'

const CONFIG = `
highlevel: { locations: { main: { locationId: L1, auth: { type: private-integration, token: "\${HL_TOKEN}" } } } }
sources:
  forms: { location: main, verify: { type: token, token: "\${FORMS_SECRET}" } }
rules:
  - { name: lead, source: forms, contact: { email: email }, tags: [lead] }
`
// the same, plus a sender whose secret is only in the env file, and a rule for it
const WITH_CALENDLY = `${CONFIG}
  - { name: booked, source: calendly, contact: { email: payload.email }, tags: [booked] }
`.replace(
  'sources:\n',
  'sources:\n  calendly: { location: main, verify: { type: calendly, secret: "${CALENDLY_KEY}" } }\n',
)

function setup(t: Parameters<Parameters<typeof tap.test>[0]>[0], debounceMs?: number) {
  const dir = t.testdir({
    'tagrelay.yaml': CONFIG,
    '.env': 'HL_TOKEN=pit-one\nFORMS_SECRET=first-secret\n',
  })
  const env: NodeJS.ProcessEnv = { TAGRELAY_ENV_FILE: join(dir, '.env'), HL_TOKEN: 'pit-from-the-environment' }
  t.equal(loadEnvFile(env), join(dir, '.env'))
  const logs = captureLogs()
  const file = join(dir, 'tagrelay.yaml')
  const holder = new RulesHolder({
    config: loadConfigFile(file, { env }),
    configFile: file,
    logger: createLogger({ level: 'info', stream: logs.stream }),
    load: { env },
    ...(debounceMs ? { debounceMs } : {}),
  })
  t.teardown(() => holder.close())
  return { dir, env, logs, holder, file }
}

t.test('a reload re-reads TAGRELAY_ENV_FILE: a variable added there resolves', async (t) => {
  const { dir, env, logs, holder, file } = setup(t)
  writeFileSync(join(dir, '.env'), 'HL_TOKEN=pit-one\nFORMS_SECRET=first-secret\nCALENDLY_KEY=ck-new\n')
  writeFileSync(file, WITH_CALENDLY)
  const result = holder.reload('SIGHUP')
  t.match(result, { ok: true, changed: true }, 'the new rule is in force')
  t.equal(holder.current().count, 2)
  t.equal(env.CALENDLY_KEY, 'ck-new')
  t.notOk(
    logs.lines().some((l) => (l.level as number) >= 50),
    'nothing at error level claims a variable is not set',
  )
  const warning = logs.lines().find((l) => l.level === 40)
  t.match(warning, { msg: 'settings changed: restart to apply (sources); only rules reload while running' })
  t.notOk(
    logs.lines().some((l) => String(l.msg).startsWith('secrets changed')),
    'a variable only added is not a change',
  )
  t.notOk(logs.text().includes('ck-new'), 'no value is logged')
})

t.test('a secret changed in the env file: "secrets changed: restart to apply", as a warning', async (t) => {
  const { dir, env, logs, holder } = setup(t)
  writeFileSync(join(dir, '.env'), 'HL_TOKEN=pit-two\nFORMS_SECRET=second-secret\n')
  t.match(holder.reload('file change: .env'), { ok: true, changed: false })
  const lines = logs.lines()
  const secrets = lines.find((l) => String(l.msg).startsWith('secrets changed'))
  t.match(secrets, {
    level: 40,
    msg: `secrets changed: restart to apply (FORMS_SECRET in ${join(dir, '.env')})`,
    variables: ['FORMS_SECRET'],
  })
  t.equal(env.HL_TOKEN, 'pit-from-the-environment', 'the process environment still wins')
  t.match(
    lines.find((l) => String(l.msg).startsWith('settings changed')),
    { level: 40, sections: ['sources'] },
  )
  t.notOk(logs.text().includes('second-secret'), 'no value is logged')
  t.notOk(
    lines.some((l) => (l.level as number) >= 50),
    'no error',
  )
})

t.test('saving the env file is noticed like a config change', async (t) => {
  const { dir, logs, holder } = setup(t, 50)
  holder.watch()
  writeFileSync(join(dir, '.env'), 'HL_TOKEN=pit-one\nFORMS_SECRET=rotated\n')
  const said = () => logs.lines().find((l) => String(l.msg).startsWith('secrets changed'))
  await until(t, 'the secrets-changed log line', () => said() !== undefined)
  t.match(said(), { level: 40, trigger: 'file change: .env', variables: ['FORMS_SECRET'] })
})

t.test('reloadEnvFile: added, changed, removed; no file configured or none there', async (t) => {
  const dir = t.testdir({ '.env': 'A=1\nB=2\n' })
  const env: NodeJS.ProcessEnv = { TAGRELAY_ENV_FILE: join(dir, '.env'), B: 'own' }
  loadEnvFile(env)
  t.same(reloadEnvFile(env), { file: join(dir, '.env'), added: [], changed: [] }, 'unchanged')
  writeFileSync(join(dir, '.env'), 'B=3\nC=4\n')
  t.same(reloadEnvFile(env), { file: join(dir, '.env'), added: ['C'], changed: ['A'] })
  t.same({ A: env.A, B: env.B, C: env.C }, { A: undefined, B: 'own', C: '4' })
  t.equal(reloadEnvFile({}), undefined)
  t.same(reloadEnvFile({ TAGRELAY_ENV_FILE: join(dir, 'missing.env') }), {
    file: join(dir, 'missing.env'),
    added: [],
    changed: [],
  })
})
