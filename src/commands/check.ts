import { dirname, resolve } from 'node:path'
import { compileConfigRules, fileWarnings, loadConfigFile, ruleWarnings, sampleWarnings } from '../config/index.js'

/**
 * `tagrelay check`: loads the config as `serve` would (every problem at once, or a
 * ConfigError), compiles the rules, warns about config and rules files other users may
 * write (or read, when they hold a secret), and tries each rule's paths on its source's sample
 * payload when one is configured: a path that finds nothing there is a warning, since a
 * rule that can never match passes every other check. Rules that cannot create a new
 * person, and phones read without a default country, are warnings too.
 */
export function runCheck(file: string): { summary: string; warnings: string[] } {
  const config = loadConfigFile(file)
  const rules = compileConfigRules(config)
  const warnings = [
    ...fileWarnings(file, config.rulesFrom).map((w) => w.message),
    ...sampleWarnings(config, dirname(resolve(file))),
    ...ruleWarnings(config),
  ]
  const locations = Object.keys(config.highlevel.locations).length
  const summary = `${file}: OK (${Object.keys(config.sources).length} sources, ${locations} locations, ${rules.count} rules, rules version ${rules.version})${warnings.length > 0 ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''}`
  return { summary, warnings }
}
