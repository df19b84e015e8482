import t from 'tap'
import { commandHelp, COMMANDS } from '../../src/commands/help.js'
import { runCli } from '../helpers/cli.js'

const NAMES = [
  'serve',
  'check',
  'test-rule',
  'location-secrets',
  'config',
  'migrate',
  'replay',
  'portal-link',
  'rerun',
  'sandbox',
  'demo',
  'healthcheck',
  'alerts',
]

t.test('every command has a help text with its usage, options and an example', async (t) => {
  t.same(Object.keys(COMMANDS), NAMES)
  for (const name of NAMES) {
    const text = commandHelp(name)
    t.match(text, new RegExp(`^usage: tagrelay ${name}`), `${name}: usage`)
    t.match(text, /\n\noptions:\n[^]*-h, --help/, `${name}: options, with -h/--help`)
    t.match(text, /\n\nexample:\n {2}\S/, `${name}: an example`)
  }
})

t.test('--help and -h print the command help and exit 0 (the dispatch is the same for every command)', async (t) => {
  // a few spawns, not one per command: each costs a tsx start-up, and cli.ts answers
  // --help for any name in COMMANDS before the command's own flags are parsed
  const cases: Array<[string[], string]> = [
    [['sandbox', '--help'], 'sandbox'],
    [['replay', '-h'], 'replay'],
    [['config', 'schema', '--help'], 'config'],
    [['test-rule', '--source', 'x', '--help'], 'test-rule'],
  ]
  for (const [args, name] of cases) {
    const r = runCli(args)
    t.equal(r.status, 0, `${args.join(' ')} exits 0 (${r.stderr})`)
    t.equal(r.stdout.trim(), commandHelp(name), `${args.join(' ')} prints the ${name} help`)
  }
  const general = runCli(['--help'])
  t.equal(general.status, 0)
  for (const name of NAMES) t.match(general.stdout, new RegExp(`\n {2}${name} +\\S`), `the general usage lists ${name}`)
  t.match(general.stdout, /tagrelay <command> --help shows/)
})
