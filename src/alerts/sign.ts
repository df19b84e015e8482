import { createHmac } from 'node:crypto'

/**
 * Standard Webhooks signing, tagrelay as the sender: the HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>" with the secret's bytes (base64 after
 * `whsec_`), sent as `v1,<base64>`. The id stays the same on every retry of one alert,
 * so the receiver can drop repeats.
 */
export function standardWebhookHeaders(
  secret: string,
  id: string,
  body: string,
  nowMs: number,
): Record<string, string> {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const timestamp = String(Math.floor(nowMs / 1000))
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` }
}
