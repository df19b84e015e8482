import { noCreateAdvice } from '../rules/index.js'
import type { Config } from './schema.js'

/**
 * Warnings for `tagrelay check` and `serve` about what rules will do to people, not about
 * typos: a rule that looks a contact up by email or phone without `create:` (a new person
 * waits, then becomes a dead letter), and phones read with no `ruleOptions.phoneCountry`
 * (a national number such as `(415) 555-0142` cannot be placed and is ignored).
 */
export function ruleWarnings(config: Pick<Config, 'rules' | 'ruleOptions' | 'delivery'>): string[] {
  const warnings: string[] = []
  for (const rule of config.rules) {
    const c = rule.contact
    if (!c || c.id !== undefined || c.create !== undefined || !rule.tags) continue
    const by = [c.email ? 'email' : '', c.phone ? 'phone' : ''].filter(Boolean).join(' or ')
    warnings.push(
      `rule "${rule.name}" finds its contact by ${by} and cannot create it: ${noCreateAdvice(config.delivery.contactNotFoundRetryHours)}`,
    )
  }
  const phoneRules = config.rules.filter((r) => r.contact?.phone !== undefined).map((r) => `"${r.name}"`)
  if (phoneRules.length > 0 && config.ruleOptions.phoneCountry === undefined)
    warnings.push(
      `rule${phoneRules.length === 1 ? '' : 's'} ${phoneRules.join(', ')} read${phoneRules.length === 1 ? 's' : ''} a phone and ruleOptions.phoneCountry is not set: a phone without +country code, such as (415) 555-0142, is ignored; set ruleOptions.phoneCountry (e.g. US)`,
    )
  return warnings
}
