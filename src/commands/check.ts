import { dirname, resolve } from 'node:path'
import {
  compileConfigRules,
  ConfigError,
  fileWarnings,
  loadConfigFile,
  plainTokenWarnings,
  ruleWarnings,
  sampleWarnings,
  weakTokenProblems,
} from '../config/index.js'

/**
 * `tagrelay check`: loads the config as `serve` would (every problem at once, or a
 * ConfigError), compiles the rules, warns about config and rules files other users may
 * write (or read, when they hold a secret), and tries each rule's paths on its source's sample
 * payload when one is configured: a path that finds nothing there is a warning, since a
 * rule that can never match passes every other check. Rules that cannot create a new
 * person, and phones read without a default country, are warnings too. It refuses admin
 * and viewer tokens that are too easy to guess (`serve` only warns: see token-strength.ts)
 * and warns when OAuth tokens would be stored in plain text.
 */
export function runCheck(file: string): { summary: string; warnings: string[] } {
  const config = loadConfigFile(file)
  const weak = weakTokenProblems(config.admin)
  if (weak.length > 0) throw new ConfigError(file, weak)
  const rules = compileConfigRules(config)
  const warnings = [
    ...fileWarnings(file, config.rulesFrom).map((w) => w.message),
    ...sampleWarnings(config, dirname(resolve(file))),
    ...ruleWarnings(config),
    ...plainTokenWarnings(config),
  ]
  const counts = [
    count(Object.keys(config.sources).length, 'source'),
    count(Object.keys(config.highlevel.locations).length, 'location'),
    count(rules.count, 'rule'),
  ]
  const summary = `${file}: OK (${counts.join(', ')}, rules version ${rules.version})${warnings.length > 0 ? `, ${count(warnings.length, 'warning')}` : ''}`
  return { summary, warnings }
}

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`
