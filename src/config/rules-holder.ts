import { watch, type FSWatcher } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { reloadEnvFile, type EnvFileChange } from '../env-file.js'
import { compileRules, type CompiledRules } from '../rules/index.js'
import { ConfigError } from './errors.js'
import { loadConfigFile, type LoadOptions } from './load.js'
import { ruleFilePaths } from './rule-files.js'
import type { Config } from './schema.js'

interface Log {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export type ReloadResult = { ok: true; version: string; changed: boolean } | { ok: false; problems: string[] }

export interface RulesHolderOptions {
  /** the config file to re-read on reload; without one, reload keeps the initial rules */
  configFile?: string
  config: Config
  logger: Log
  load?: LoadOptions
  debounceMs?: number
}

/** The parts of the config a reload applies; every other top-level key needs a restart. */
const RELOADED = new Set<keyof Config>(['rules', 'rulesFrom', 'ruleOptions'])

export function compileConfigRules(config: Config): CompiledRules {
  return compileRules(config.rules, config.ruleOptions)
}

/**
 * Holds the rules in force and swaps them on reload (SIGHUP, or a change to the config
 * or a rules file). A reload re-reads the config file and every rules file, validates
 * and compiles everything, and only then replaces the reference in one assignment: a
 * request sees the old rules or the new ones, never a mix, and an invalid file is
 * reported and leaves the running rules in place. `TAGRELAY_ENV_FILE` is re-read first,
 * so a variable added there resolves. Only rules (and `ruleOptions`) change on reload;
 * a changed secret in the env file or any other changed setting is logged as a warning
 * that says a restart applies it.
 */
export class RulesHolder {
  private rules: CompiledRules
  private watchers: FSWatcher[] = []
  private timer: NodeJS.Timeout | undefined
  private rulesFrom: string[]

  constructor(private readonly opts: RulesHolderOptions) {
    this.rules = compileConfigRules(opts.config)
    this.rulesFrom = opts.config.rulesFrom
  }

  current(): CompiledRules {
    return this.rules
  }

  reload(trigger: string): ReloadResult {
    const { configFile, logger } = this.opts
    if (!configFile) return { ok: true, version: this.rules.version, changed: false }
    let next: CompiledRules
    let config: Config
    let envFile: EnvFileChange | undefined
    try {
      envFile = reloadEnvFile(this.opts.load?.env)
      config = loadConfigFile(configFile, this.opts.load)
      next = compileConfigRules(config)
    } catch (err) {
      const problems = err instanceof ConfigError ? err.problems : [String((err as Error)?.message ?? err)]
      logger.error(
        { trigger, rules: this.rules.version, problems },
        'rules reload refused; the running rules stay in force',
      )
      return { ok: false, problems }
    }
    const previous = this.rules.version
    const changed = next.version !== previous
    this.rules = next
    logger.info(
      { trigger, rules: next.version, previous, ruleCount: next.count, changed },
      changed ? 'rules reloaded' : 'rules reloaded (unchanged)',
    )
    this.warnRestartNeeded(trigger, config, envFile)
    if (this.watchers.length > 0 && config.rulesFrom.join('\n') !== this.rulesFrom.join('\n')) {
      this.rulesFrom = config.rulesFrom
      this.watch()
    }
    return { ok: true, version: next.version, changed }
  }

  /** Says plainly what this reload did not apply: changed secrets and settings other than rules. */
  private warnRestartNeeded(trigger: string, config: Config, envFile: EnvFileChange | undefined): void {
    const { logger } = this.opts
    if (envFile && envFile.changed.length > 0)
      logger.warn(
        { trigger, envFile: envFile.file, variables: envFile.changed },
        `secrets changed: restart to apply (${envFile.changed.join(', ')} in ${envFile.file})`,
      )
    const running = this.opts.config
    const sections = (Object.keys({ ...running, ...config }) as Array<keyof Config>).filter(
      (key) => !RELOADED.has(key) && JSON.stringify(running[key]) !== JSON.stringify(config[key]),
    )
    if (sections.length > 0)
      logger.warn(
        { trigger, sections },
        `settings changed: restart to apply (${sections.join(', ')}); only rules reload while running`,
      )
  }

  /**
   * Watches the folders holding the config and rules files (editors save by rename, which
   * a watch on the file itself would miss) and reloads once changes settle.
   */
  watch(): void {
    this.unwatch()
    const { configFile } = this.opts
    if (!configFile) return
    const base = dirname(resolve(configFile))
    const { files } = ruleFilePaths(this.rulesFrom, base)
    const folders = this.rulesFrom.map((f) => resolve(base, f)).filter((f) => !files.includes(f))
    const names = new Map<string, Set<string>>()
    // the env file too: a changed secret there is reported at once (restart to apply)
    const envFile = (this.opts.load?.env ?? process.env).TAGRELAY_ENV_FILE
    for (const file of [resolve(configFile), ...files, ...(envFile ? [resolve(envFile)] : [])]) {
      const set = names.get(dirname(file)) ?? new Set<string>()
      set.add(basename(file))
      names.set(dirname(file), set)
    }
    for (const dir of new Set([...names.keys(), ...folders])) {
      const isRulesFolder = folders.includes(dir)
      try {
        const w = watch(dir, (_event, filename) => {
          const name = filename?.toString()
          if (!name || names.get(dir)?.has(name) || (isRulesFolder && /\.ya?ml$/i.test(name)))
            this.schedule(name ?? dir)
        })
        w.on('error', (err) => this.opts.logger.warn({ err, dir }, 'rules watch failed'))
        this.watchers.push(w)
      } catch (err) {
        this.opts.logger.warn({ err, dir }, 'cannot watch for rule changes; SIGHUP still reloads')
      }
    }
  }

  close(): void {
    this.unwatch()
  }

  private unwatch(): void {
    clearTimeout(this.timer)
    for (const w of this.watchers) w.close()
    this.watchers = []
  }

  private schedule(what: string): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.reload(`file change: ${what}`), this.opts.debounceMs ?? 300)
    this.timer.unref()
  }
}
