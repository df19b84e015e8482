#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { commandHelp, COMMANDS, usage } from './commands/help.js'
import { loadEnvFile } from './env-file.js'
import { codes, TagrelayError } from './errors.js'

class UsageError extends TagrelayError {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(codes.TAGRELAY_USAGE, message)
  }
}

const configOption = { config: { type: 'string', short: 'c' } } as const satisfies ParseArgsConfig['options']

function parse<O extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true }).values
  } catch (err) {
    throw new UsageError((err as Error).message, command)
  }
}

const configPath = (v: { config?: string }): string => v.config ?? process.env.TAGRELAY_CONFIG ?? './tagrelay.yaml'

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv
  if (command in COMMANDS && (rest.includes('--help') || rest.includes('-h'))) {
    console.log(commandHelp(command))
    return
  }
  switch (command) {
    case 'serve': {
      const { serve } = await import('./main.js')
      return serve(configPath(parse(command, rest, configOption)))
    }
    case 'check': {
      const { runCheck } = await import('./commands/check.js')
      const result = runCheck(configPath(parse(command, rest, configOption)))
      for (const line of result.warnings) console.error(`tagrelay: warning: ${line}`)
      console.log(result.summary)
      return
    }
    case 'test-rule': {
      const { testRule } = await import('./commands/test-rule.js')
      const v = parse(command, rest, {
        ...configOption,
        source: { type: 'string', short: 's' },
        payload: { type: 'string', short: 'p' },
        headers: { type: 'string' },
        query: { type: 'string' },
        'content-type': { type: 'string' },
        json: { type: 'boolean' },
      })
      if (!v.source || !v.payload) throw new UsageError('test-rule needs --source NAME and --payload FILE', command)
      console.log(
        testRule({
          config: configPath(v),
          source: v.source,
          payload: v.payload,
          headers: v.headers,
          query: v.query,
          ...(v['content-type'] !== undefined ? { contentType: v['content-type'] } : {}),
          json: v.json,
        }),
      )
      return
    }
    case 'location-secrets': {
      const [{ locationSecrets }, { loadConfigFile }] = await Promise.all([
        import('./commands/location-secrets.js'),
        import('./config/index.js'),
      ])
      const v = parse(command, rest, {
        ...configOption,
        source: { type: 'string', short: 's' },
        location: { type: 'string' },
      })
      if (!v.source) throw new UsageError('location-secrets needs --source NAME', command)
      // a secret on the terminal, asked for: never logged, never in a file by this command
      for (const l of locationSecrets(loadConfigFile(configPath(v)), v.source, v.location))
        console.log(`${l.location}\t${l.locationId}\t${l.secret}`)
      return
    }
    case 'config': {
      const [sub, ...more] = rest
      if (sub !== 'schema' || more.length > 0) throw new UsageError('the config command has one form', command)
      const { configJsonSchema } = await import('./config/index.js')
      console.log(JSON.stringify(configJsonSchema(), null, 2))
      return
    }
    case 'migrate': {
      const [{ openStore }, { loadStoreConfigFile }] = await Promise.all([
        import('./store/index.js'),
        import('./config/index.js'),
      ])
      const settings = loadStoreConfigFile(configPath(parse(command, rest, configOption)))
      const store = await openStore({ ...settings, migrate: true })
      await store.close()
      console.log(
        `migrations applied (${store.kind}${store.kind === 'postgres' ? `, schema ${settings.postgres.schema}` : ''})`,
      )
      return
    }
    case 'replay': {
      const { runReplay } = await import('./commands/replay.js')
      const v = parse(command, rest, { ...configOption, id: { type: 'string' }, all: { type: 'boolean' } })
      if (v.id !== undefined && v.all) throw new UsageError('replay takes --id N or --all, not both', command)
      const id = v.id === undefined ? undefined : Number(v.id)
      if (id !== undefined && !(Number.isSafeInteger(id) && id > 0))
        throw new UsageError(`--id must be a job id (a positive integer), got ${v.id}`, command)
      const file = configPath(v)
      const { loadConfigFile, loadStoreConfigFile } = await import('./config/index.js')
      const store = loadStoreConfigFile(file)
      // the rules (how a contact is found and created) and the store; no secret needs to be set
      const config = { ...loadConfigFile(file, { allowMissingEnv: true }), store }
      await runReplay(config, { ...(id !== undefined ? { id } : {}), all: v.all === true })
      return
    }
    case 'rerun': {
      const [{ runRerun }, { loadConfigFile, loadStoreConfigFile }] = await Promise.all([
        import('./commands/rerun.js'),
        import('./config/index.js'),
      ])
      const v = parse(command, rest, {
        ...configOption,
        id: { type: 'string' },
        source: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        'dry-run': { type: 'boolean' },
        replan: { type: 'boolean' },
      })
      const file = configPath(v)
      // rules and the store, never a sender's or HighLevel's secret: those may stay unset here
      const config = { ...loadConfigFile(file, { allowMissingEnv: true }), store: loadStoreConfigFile(file) }
      process.exitCode = await runRerun(config, file, {
        id: v.id,
        source: v.source,
        since: v.since,
        until: v.until,
        dryRun: v['dry-run'] === true,
        replan: v.replan === true,
      })
      return
    }
    case 'portal-link': {
      const [{ runPortalLink }, { loadConfigFile, loadStoreConfigFile }] = await Promise.all([
        import('./commands/portal-link.js'),
        import('./config/index.js'),
      ])
      const v = parse(command, rest, {
        ...configOption,
        location: { type: 'string', multiple: true },
        company: { type: 'string' },
        viewer: { type: 'boolean' },
        ttl: { type: 'string' },
        url: { type: 'string' },
      })
      const locations = v.location ?? []
      if (locations.length > 0 === (v.company !== undefined))
        throw new UsageError('portal-link needs --location NAME (one or more) or --company ID, not both', command)
      const ttlMinutes = Number(v.ttl ?? '60')
      if (!(Number.isSafeInteger(ttlMinutes) && ttlMinutes >= 1 && ttlMinutes <= 10_080))
        throw new UsageError(`--ttl must be minutes from 1 to 10080 (a week), got ${v.ttl}`, command)
      const file = configPath(v)
      const config = { ...loadConfigFile(file, { allowMissingEnv: true }), store: loadStoreConfigFile(file) }
      await runPortalLink(config, {
        locations,
        companyId: v.company,
        viewer: v.viewer === true,
        ttlMinutes,
        url: v.url,
      })
      return
    }
    case 'sandbox': {
      const { runSandbox } = await import('./demo/sandbox-command.js')
      const v = parse(command, rest, {
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string', multiple: true },
        oauth: { type: 'string', multiple: true },
        agency: { type: 'string' },
        'app-webhook-url': { type: 'string' },
        'shared-secret': { type: 'string' },
        'clock-scale': { type: 'string' },
        'latency-ms': { type: 'string' },
        'error-rate': { type: 'string', multiple: true },
        'timeout-rate': { type: 'string' },
        'reset-rate': { type: 'string' },
        outage: { type: 'string' },
      })
      return runSandbox(v)
    }
    case 'demo': {
      const { runDemo } = await import('./demo/demo.js')
      const v = parse(command, rest, { keep: { type: 'boolean' } })
      return runDemo({ keep: v.keep === true })
    }
    case 'healthcheck': {
      const { healthcheck } = await import('./commands/healthcheck.js')
      const v = parse(command, rest, { ...configOption, 'timeout-ms': { type: 'string' } })
      const timeoutMs = Number(v['timeout-ms'] ?? '2000')
      if (!(Number.isSafeInteger(timeoutMs) && timeoutMs > 0))
        throw new UsageError(`--timeout-ms must be a positive integer, got ${v['timeout-ms']}`, command)
      const { loadServerConfigFile } = await import('./config/index.js')
      const result = await healthcheck(loadServerConfigFile(configPath(v)), timeoutMs)
      ;(result.healthy ? console.log : console.error)(result.message)
      if (!result.healthy) process.exitCode = 1
      return
    }
    case 'alerts': {
      const [sub, ...more] = rest
      if (sub !== 'test') throw new UsageError('the alerts command has one form: tagrelay alerts test', command)
      const { runAlertsTest } = await import('./commands/alerts-test.js')
      const { loadAlertsConfigFile } = await import('./config/index.js')
      const result = await runAlertsTest(loadAlertsConfigFile(configPath(parse(command, more, configOption))))
      for (const line of result.lines) console.log(line)
      if (!result.ok) process.exitCode = 1
      return
    }
    case 'help':
    case '--help':
    case '-h':
      console.log(rest[0] && rest[0] in COMMANDS ? commandHelp(rest[0]) : usage())
      return
    case 'version':
    case '--version': {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
      console.log(pkg.version)
      return
    }
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

function run(): Promise<void> {
  try {
    loadEnvFile()
  } catch (err) {
    const problem = (err as Error).message
    return import('./config/index.js').then(({ ConfigError }) =>
      Promise.reject(new ConfigError('(environment)', [problem])),
    )
  }
  return main(process.argv.slice(2))
}

run().catch(async (err: unknown) => {
  if (err instanceof UsageError || (err instanceof TagrelayError && err.code === codes.TAGRELAY_USAGE)) {
    const command = err instanceof UsageError ? err.command : undefined
    console.error(`tagrelay: ${err.message}\n\n${command ? commandHelp(command) : usage()}`)
    process.exit(2)
  }
  // imported only here and in the commands that read a config: --help, --version and a
  // usage error never load the config schema (a CLI start's most CPU); a ConfigError has
  // loaded it already, so this import costs nothing then
  const { ConfigError } = await import('./config/index.js')
  if (err instanceof ConfigError) {
    console.error(`tagrelay: ${err.message}`)
    process.exit(1)
  }
  console.error(
    `tagrelay: ${err instanceof TagrelayError ? `${err.code}: ${err.message}` : ((err as Error)?.stack ?? String(err))}`,
  )
  process.exit(1)
})
