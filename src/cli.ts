#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { ConfigError, loadConfigFile } from './config/index.js'
import { TagrelayError } from './errors.js'

const USAGE = `usage: tagrelay <command> [options]

commands:
  serve     [--config FILE]   receive webhooks and deliver tags (default command)
  check     [--config FILE]   validate the config and rules, then exit
  test-rule --source NAME --payload FILE [--headers FILE] [--query FILE] [--json] [--config FILE]
                              explain what the rules do with a sample payload
  config schema               print the config's JSON Schema (for editors)
  migrate   [--config FILE]   apply store migrations, then exit
  replay    [--id N | --all] [--config FILE]
                              list dead letters, or put one (or all) back in the queue
  rerun     (--id ID | --source S --since T [--until T]) [--dry-run] [--config FILE]
                              judge stored events again with the rules now; enqueue the difference
  sandbox   [--port 4010] [--host 127.0.0.1] [--token TOKEN=LOCATION_ID]...
            [--oauth CLIENT_ID:SECRET:LOCATION_ID]... [--clock-scale N]
            [--latency-ms N] [--error-rate STATUS=RATE]... [--timeout-rate R]
            [--reset-rate R] [--outage START_MS:DURATION_MS]
                              run the local HighLevel stand-in
  demo      [--keep]          run the service against the sandbox with sample events

The config file is --config, else $TAGRELAY_CONFIG, else ./tagrelay.yaml.`

class UsageError extends TagrelayError {
  constructor(message: string) {
    super('TAGRELAY_USAGE', message, 2)
  }
}

const configOption = { config: { type: 'string', short: 'c' } } as const satisfies ParseArgsConfig['options']

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true }).values
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

const configPath = (v: { config?: string }): string => v.config ?? process.env.TAGRELAY_CONFIG ?? './tagrelay.yaml'

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv
  switch (command) {
    case 'serve': {
      const { serve } = await import('./main.js')
      return serve(configPath(parse(rest, configOption)))
    }
    case 'check': {
      const { compileConfigRules, fileWarnings } = await import('./config/index.js')
      const file = configPath(parse(rest, configOption))
      const config = loadConfigFile(file)
      const rules = compileConfigRules(config)
      for (const w of fileWarnings(file, config.rulesFrom)) console.error(`tagrelay: warning: ${w.message}`)
      const locations = Object.keys(config.highlevel.locations).length
      console.log(
        `${file}: OK (${Object.keys(config.sources).length} sources, ${locations} locations, ${rules.count} rules, rules version ${rules.version})`,
      )
      return
    }
    case 'test-rule': {
      const { testRule } = await import('./commands/test-rule.js')
      const v = parse(rest, {
        ...configOption,
        source: { type: 'string', short: 's' },
        payload: { type: 'string', short: 'p' },
        headers: { type: 'string' },
        query: { type: 'string' },
        json: { type: 'boolean' },
      })
      if (!v.source || !v.payload) throw new UsageError('test-rule needs --source NAME and --payload FILE')
      console.log(
        testRule({
          config: configPath(v),
          source: v.source,
          payload: v.payload,
          headers: v.headers,
          query: v.query,
          json: v.json,
        }),
      )
      return
    }
    case 'config': {
      const [sub, ...more] = rest
      if (sub !== 'schema' || more.length > 0) throw new UsageError('usage: tagrelay config schema')
      const { configJsonSchema } = await import('./config/index.js')
      console.log(JSON.stringify(configJsonSchema(), null, 2))
      return
    }
    case 'migrate': {
      const { openStore } = await import('./store/index.js')
      const config = loadConfigFile(configPath(parse(rest, configOption)))
      const store = await openStore({ ...config.store, migrate: true })
      await store.close()
      console.log(
        `migrations applied (${store.kind}${store.kind === 'postgres' ? `, schema ${config.store.postgres.schema}` : ''})`,
      )
      return
    }
    case 'replay': {
      const { runReplay } = await import('./commands/replay.js')
      const v = parse(rest, { ...configOption, id: { type: 'string' }, all: { type: 'boolean' } })
      if (v.id !== undefined && v.all) throw new UsageError('replay takes --id N or --all, not both')
      const id = v.id === undefined ? undefined : Number(v.id)
      if (id !== undefined && !(Number.isSafeInteger(id) && id > 0))
        throw new UsageError(`--id must be a job id (a positive integer), got ${v.id}`)
      const config = loadConfigFile(configPath(v))
      await runReplay(config.store, { ...(id !== undefined ? { id } : {}), all: v.all === true })
      return
    }
    case 'rerun': {
      const { runRerun } = await import('./commands/rerun.js')
      const v = parse(rest, {
        ...configOption,
        id: { type: 'string' },
        source: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        'dry-run': { type: 'boolean' },
      })
      const config = loadConfigFile(configPath(v))
      process.exitCode = await runRerun(config, configPath(v), {
        id: v.id,
        source: v.source,
        since: v.since,
        until: v.until,
        dryRun: v['dry-run'] === true,
      })
      return
    }
    case 'sandbox': {
      const { runSandbox } = await import('./demo/sandbox-command.js')
      const v = parse(rest, {
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string', multiple: true },
        oauth: { type: 'string', multiple: true },
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
      const v = parse(rest, { keep: { type: 'boolean' } })
      return runDemo({ keep: v.keep === true })
    }
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE)
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

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || (err instanceof TagrelayError && err.code === 'TAGRELAY_USAGE')) {
    console.error(`tagrelay: ${err.message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (err instanceof ConfigError) {
    console.error(`tagrelay: ${err.message}`)
    process.exit(1)
  }
  console.error(
    `tagrelay: ${err instanceof TagrelayError ? `${err.code}: ${err.message}` : ((err as Error)?.stack ?? String(err))}`,
  )
  process.exit(1)
})
