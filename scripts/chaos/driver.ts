import { createHmac } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { SIGNATURE_HEADER, SIGNING_SECRET, type ChaosContact } from './rig.js'

export interface DriverOptions {
  /** the service's base URL (the same across restarts) */
  url: string
  contacts: ChaosContact[]
  /** events started per second */
  ratePerSec: number
  /** most requests in flight at once */
  concurrency?: number
  /** per-request limit; a request still open then counts as not acknowledged */
  timeoutMs?: number
}

/** What an event was sent for: its own tag on one contact, and an opt-in or opt-out. */
export interface SentEvent {
  tag: string
  contactId: string
  opt: 'in' | 'out'
}

/**
 * A steady stream of signed events (HMAC-SHA256 over the raw body, as the source's
 * `verify: {type: hmac}` checks), each with a tag of its own (`chaos-<n>`) for one of the
 * contacts. An event is acknowledged only by a 202; anything else (connection refused
 * while the service is down, a reset when it is killed mid-request, a 503) is counted as
 * not acknowledged and the driver moves on, as a sender that gave up would.
 */
export class Driver {
  readonly acknowledged = new Map<string, SentEvent>()
  readonly unacknowledged = new Map<string, SentEvent>()
  /** why events were not acknowledged: `http 503`, `ECONNREFUSED`, ... → count */
  readonly refusals: Record<string, number> = {}
  #next = 0
  #inFlight = new Set<Promise<void>>()
  #running = false
  #loop: Promise<void> | null = null
  readonly #runId = Date.now().toString(36)

  constructor(private readonly opts: DriverOptions) {
    if (opts.contacts.length === 0) throw new Error('the driver needs at least one contact')
    if (!(opts.ratePerSec > 0)) throw new Error(`ratePerSec must be positive, got ${opts.ratePerSec}`)
  }

  get sent(): number {
    return this.#next
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    this.#loop = this.#run()
  }

  /** Stops sending and waits for the requests in flight to finish. */
  async stop(): Promise<void> {
    this.#running = false
    await this.#loop
    await Promise.all(this.#inFlight)
  }

  async #run(): Promise<void> {
    const interval = 1000 / this.opts.ratePerSec
    const started = Date.now()
    const concurrency = this.opts.concurrency ?? 16
    while (this.#running) {
      if (this.#inFlight.size < concurrency) {
        const p = this.#send(this.#next++).finally(() => this.#inFlight.delete(p))
        this.#inFlight.add(p)
      }
      // paced against the start, so a slow moment is caught up rather than lost
      await sleep(Math.max(1, started + this.#next * interval - Date.now()))
    }
  }

  async #send(n: number): Promise<void> {
    const contact = this.opts.contacts[n % this.opts.contacts.length] as ChaosContact
    // opposite intents on the same person across events: each event opts its contact in or
    // out of `subscribed` (a contact's events are 0.5 s apart at 40/s: bursts around a kill)
    const opt = (n * 2654435761) % 7 < 4 ? 'in' : 'out'
    const event: SentEvent = { tag: `chaos-${n}`, contactId: contact.id, opt }
    const body = JSON.stringify({
      id: `${this.#runId}-${n}`,
      tag: event.tag,
      opt,
      email: contact.email,
      ...(contact.byId ? { contactId: contact.id } : {}),
    })
    const signature = `sha256=${createHmac('sha256', SIGNING_SECRET).update(body).digest('hex')}`
    let why: string
    try {
      const res = await fetch(`${this.opts.url}/hooks/chaos`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      })
      await res.arrayBuffer()
      if (res.status === 202) {
        this.acknowledged.set(event.tag, event)
        return
      }
      why = `http ${res.status}`
    } catch (err) {
      why = errorCode(err)
    }
    this.unacknowledged.set(event.tag, event)
    this.refusals[why] = (this.refusals[why] ?? 0) + 1
  }
}

/** ECONNREFUSED, UND_ERR_SOCKET, TimeoutError...: the most specific name fetch's error carries. */
function errorCode(err: unknown): string {
  let e: unknown = err
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const { code, cause } = e as { code?: unknown; cause?: unknown }
    if (typeof code === 'string') return code
    if (cause === undefined) break
    e = cause
  }
  return err instanceof Error ? err.name : 'error'
}
