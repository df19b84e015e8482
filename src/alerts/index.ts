/**
 * Alerts: triggers checked on a timer (AlertMonitor), queued durably in the store's
 * outbox, sent with retries by the AlertDispatcher to Slack-compatible and Standard
 * Webhooks destinations.
 */
export { alertsSchema } from './schema.js'
export type { AlertsConfig, DestinationConfig } from './schema.js'
export { AlertDispatcher } from './dispatcher.js'
export type { AlertDispatcherOptions } from './dispatcher.js'
export { AlertMonitor } from './monitor.js'
export type { AlertInputs, AlertMonitorOptions } from './monitor.js'
export { sendAlert, AlertSendError } from './send.js'
export { slackPayload, webhookPayload } from './message.js'
export type { AlertMessage, AlertKind, AlertState } from './message.js'
export { testMessage } from './messages.js'
export { standardWebhookHeaders } from './sign.js'
export { startAlerts } from './start.js'
export type { AlertsOptions, RunningAlerts } from './start.js'
