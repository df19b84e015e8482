/** What raised an alert. */
export type AlertKind =
  | 'dead_letters'
  | 'location_held'
  | 'refusals'
  | 'oldest_pending'
  /** jobs waiting for their contact to exist in HighLevel (no `create:`), past `afterMinutes` */
  | 'contacts_awaited'
  | 'test'
/** firing: a condition started (or still holds after a quiet period); resolved: it cleared. */
export type AlertState = 'firing' | 'resolved' | 'digest' | 'test'

/** One alert, as queued in the outbox and rendered for each destination. */
export interface AlertMessage {
  kind: AlertKind
  state: AlertState
  /** what it is about: a location, a source, or "*" */
  subject: string
  title: string
  text: string
  /** ISO 8601 */
  at: string
  details: Record<string, unknown>
  /** admin API paths (absolute URLs when server.publicUrl is set) */
  links: string[]
}

/** The Slack incoming-webhook body: one mrkdwn text (Mattermost, Rocket.Chat and Discord's /slack take it too). */
export function slackPayload(m: AlertMessage): { text: string } {
  const icon = m.state === 'resolved' ? ':white_check_mark:' : m.state === 'test' ? ':information_source:' : ':warning:'
  const links = m.links.length > 0 ? `\n${m.links.map((l) => `<${l}>`).join('  ')}` : ''
  return { text: `${icon} *${m.title}*\n${m.text}${links}` }
}

/** The Standard Webhooks body: `type`, `timestamp` and the alert as `data`. */
export function webhookPayload(m: AlertMessage): { type: string; timestamp: string; data: AlertMessage } {
  return { type: `alert.${m.state}`, timestamp: m.at, data: m }
}
