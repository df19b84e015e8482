import type { Config } from './schema.js'

const HOW =
  'set TAGRELAY_SECRET_KEY (store.secretKey) to seal them (plain ones are sealed at their next refresh), or store.requireSecretKey: true to refuse to start without it'

/**
 * Warnings when OAuth tokens are (or will be) stored in plain text: no `store.secretKey`
 * while the app can be installed, a YAML location uses OAuth, or the store already holds
 * installs (`installed`: how many, when the caller read the store; `tagrelay check` does not).
 */
export function plainTokenWarnings(config: Config, installed?: number): string[] {
  if (config.store.secretKey !== undefined) return []
  const out: string[] = []
  if (installed !== undefined && installed > 0)
    out.push(
      `${installed} installed location(s) or agencies keep their OAuth tokens in plain text in the store: ${HOW}`,
    )
  else if (config.highlevel.app)
    out.push(`highlevel.app is set: the OAuth tokens of every install would be stored in plain text: ${HOW}`)
  const oauth = Object.entries(config.highlevel.locations)
    .filter(([, l]) => l.auth.type === 'oauth')
    .map(([name]) => name)
  if (oauth.length > 0)
    out.push(`locations ${oauth.join(', ')} use OAuth: their rotated tokens are stored in plain text: ${HOW}`)
  return out
}
