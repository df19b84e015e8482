import { createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { SandboxClock } from './clock.js'

export type AppWebhookBody =
  | {
      type: 'INSTALL'
      appId: string
      companyId: string
      locationId?: string
      installType: 'Location' | 'Company'
      timestamp: string
      webhookId: string
    }
  | { type: 'UNINSTALL'; appId: string; locationId?: string; companyId?: string; timestamp: string; webhookId: string }

/** What a caller gives: the sender stamps the time and id. */
export type AppWebhookInput = AppWebhookBody extends infer B
  ? B extends AppWebhookBody
    ? Omit<B, 'timestamp' | 'webhookId'>
    : never
  : never

export interface AppWebhookSent {
  body: AppWebhookBody
  /** the last answer's status, or the connection error's message */
  outcome: number | string
  tries: number
}

const TRIES = 3
const PAUSE_MS = 200

/**
 * HighLevel's INSTALL and UNINSTALL app webhooks, signed as HighLevel signs every webhook
 * (X-GHL-Signature: base64 Ed25519 over the raw body). Sending is awaited and retried a few
 * times, so a test sees one settled outcome per webhook in `sent`.
 */
export class AppWebhookSender {
  readonly sent: AppWebhookSent[] = []
  readonly publicKey: string
  readonly #privateKey: KeyObject
  readonly #pending = new Set<Promise<void>>()
  url: string | undefined

  constructor(
    readonly clock: SandboxClock,
    url?: string,
    privateKey?: KeyObject,
  ) {
    this.url = url
    this.#privateKey = privateKey ?? generateKeyPairSync('ed25519').privateKey
    this.publicKey = createPublicKey(this.#privateKey).export({ format: 'der', type: 'spki' }).toString('base64')
  }

  /** Sends now and resolves when the webhook has settled (no URL: nothing happens). */
  send(body: AppWebhookInput): Promise<void> {
    const url = this.url
    if (url === undefined) return Promise.resolve()
    const full = {
      ...body,
      timestamp: new Date(this.clock.now()).toISOString(),
      webhookId: randomUUID(),
    } as AppWebhookBody
    const run = this.#deliver(url, full).finally(() => this.#pending.delete(run))
    this.#pending.add(run)
    return run
  }

  /** Resolves when every webhook sent so far has settled. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending])
  }

  async #deliver(url: string, body: AppWebhookBody): Promise<void> {
    const raw = Buffer.from(JSON.stringify(body))
    const signature = sign(null, raw, this.#privateKey).toString('base64')
    let outcome: number | string = 'not sent'
    let tries = 0
    while (tries < TRIES) {
      tries++
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-ghl-signature': signature },
          body: raw,
        })
        await res.arrayBuffer()
        outcome = res.status
        if (res.ok) break
      } catch (err) {
        outcome = (err as Error).message
      }
      if (tries < TRIES) await sleep(PAUSE_MS)
    }
    this.sent.push({ body, outcome, tries })
  }
}
