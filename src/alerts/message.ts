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

/**
 * Slack's three control characters as the entities its mrkdwn expects. Why every value:
 * titles and texts quote what senders chose (an email in a dead letter's reason, a
 * location's name), and `<!channel>` or `<https://x|label>` there would ping or link.
 */
const slackEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The Slack incoming-webhook body: one mrkdwn text (Mattermost, Rocket.Chat and Discord's /slack take it too). */
export function slackPayload(m: AlertMessage): { text: string } {
  const icon = m.state === 'resolved' ? ':white_check_mark:' : m.state === 'test' ? ':information_source:' : ':warning:'
  const links = m.links.length > 0 ? `\n${m.links.map((l) => `<${slackEscape(l)}>`).join('  ')}` : ''
  return { text: `${icon} *${slackEscape(m.title)}*\n${slackEscape(m.text)}${links}` }
}

/** The Standard Webhooks body: `type`, `timestamp` and the alert as `data`. */
export function webhookPayload(m: AlertMessage): { type: string; timestamp: string; data: AlertMessage } {
  return { type: `alert.${m.state}`, timestamp: m.at, data: m }
}
