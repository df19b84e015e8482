import { request, type Dispatcher } from 'undici'
import { codes, TagrelayError } from '../errors.js'
import { slackPayload, webhookPayload, type AlertMessage } from './message.js'
import type { DestinationConfig } from './schema.js'
import { standardWebhookHeaders } from './sign.js'

export class AlertSendError extends TagrelayError {
  constructor(destination: string, why: string) {
    // never the URL: a Slack webhook URL is a credential
    super(codes.TAGRELAY_ALERT_SEND_FAILED, `alert destination "${destination}": ${why}`)
  }
}

export interface SendOptions {
  timeoutMs: number
  now: number
  dispatcher?: Dispatcher
}

/** Sends one alert to one destination; throws AlertSendError unless it answers 2xx. */
export async function sendAlert(
  name: string,
  dest: DestinationConfig,
  message: AlertMessage,
  id: string,
  opts: SendOptions,
): Promise<void> {
  const body = JSON.stringify(dest.type === 'slack' ? slackPayload(message) : webhookPayload(message))
  const signing = dest.type === 'webhook' ? standardWebhookHeaders(dest.secret, id, body, opts.now) : {}
  let status: number
  try {
    const res = await request(dest.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'tagrelay-alerts', ...signing },
      body,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      signal: AbortSignal.timeout(opts.timeoutMs),
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    })
    status = res.statusCode
    await res.body.dump()
  } catch (err) {
    throw new AlertSendError(name, (err as { code?: string }).code ?? (err as Error).name)
  }
  if (status < 200 || status >= 300) throw new AlertSendError(name, `HTTP ${status}`)
}
