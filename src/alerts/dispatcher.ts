import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { systemClock, type Clock } from '../common/clock.js'
import type { Dispatcher } from 'undici'
import type { OpsMetrics } from '../metrics/index.js'
import type { Alert, AlertOutbox, NewAlert } from '../store/index.js'
import type { AlertMessage } from './message.js'
import type { AlertsConfig } from './schema.js'
import { sendAlert } from './send.js'

export interface AlertDispatcherOptions {
  outbox: AlertOutbox
  config: AlertsConfig
  logger: Logger
  metrics?: OpsMetrics
  dispatcher?: Dispatcher
  clock?: Clock
}

const LEASE_MS = 60_000
const BATCH = 20

/**
 * Sends what the outbox holds, one alert per destination per row. Why through the store:
 * an alert survives a restart and a receiver that is down (it is retried with backoff
 * until `retry.maxAttempts`, then marked failed); the sender's own failures are logged
 * and counted, never thrown at ingest or delivery, which only ever enqueue.
 */
export class AlertDispatcher {
  readonly #o: AlertDispatcherOptions
  readonly #owner = `alerts-${randomUUID()}`
  readonly #clock: Clock
  /** aborts the idle wait before the next look at the outbox */
  #idle: AbortController | undefined
  #running: Promise<void> | undefined
  #again = false
  #stopped = true

  constructor(opts: AlertDispatcherOptions) {
    this.#o = opts
    this.#clock = opts.clock ?? systemClock
  }

  /** Queues `message` for every destination (or the named ones) and wakes the sender. */
  async enqueue(message: AlertMessage, only?: string[]): Promise<void> {
    const names = Object.keys(this.#o.config.destinations).filter((n) => !only || only.includes(n))
    if (names.length === 0) return
    const createdAt = this.#clock.now()
    const rows: NewAlert[] = names.map((destination) => ({
      destination,
      kind: message.kind,
      subject: message.subject,
      state: message.state,
      payload: message,
      createdAt,
    }))
    await this.#o.outbox.enqueue(rows)
    this.wake()
  }

  start(): void {
    this.#stopped = false
    this.wake()
  }

  wake(): void {
    if (this.#stopped) return
    if (this.#running) {
      this.#again = true
      return
    }
    this.#idle?.abort()
    this.#running = this.#loop().finally(() => {
      this.#running = undefined
      if (this.#stopped) return
      if (this.#again) this.wake()
      else this.#sleep()
    })
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#idle?.abort()
    await this.#running
  }

  /** looks again after a while for retries that came due; a wake() or stop() ends the wait */
  #sleep(): void {
    const idle = (this.#idle = new AbortController())
    this.#clock.sleep(Math.min(this.#o.config.retry.baseMs, 5_000), idle.signal, { unref: true }).then(
      () => this.wake(),
      () => {}, // aborted
    )
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false
      try {
        while ((await this.runOnce()) === BATCH && !this.#stopped);
      } catch (err) {
        this.#o.logger.error({ err }, 'alerts: reading the outbox failed')
      }
    } while (this.#again && !this.#stopped)
  }

  /** One claim-and-send pass; returns how many alerts it claimed. */
  async runOnce(): Promise<number> {
    const claimed = await this.#o.outbox.claim(this.#owner, BATCH, LEASE_MS, this.#clock.now())
    await Promise.all(claimed.map((a) => this.#send(a)))
    return claimed.length
  }

  async #send(alert: Alert): Promise<void> {
    const { config, outbox, logger, metrics } = this.#o
    const dest = config.destinations[alert.destination]
    const labels = { destination: alert.destination, kind: alert.kind }
    try {
      if (!dest) throw new Error('destination no longer configured')
      await sendAlert(alert.destination, dest, alert.payload as AlertMessage, `msg_tagrelay_${alert.id}`, {
        timeoutMs: config.timeoutMs,
        now: this.#clock.now(),
        ...(this.#o.dispatcher ? { dispatcher: this.#o.dispatcher } : {}),
      })
      await outbox.markSent(alert.id, this.#owner, this.#clock.now())
      metrics?.alerts.inc({ ...labels, outcome: 'sent' })
      logger.info({ ...labels, alertId: alert.id, state: alert.state }, 'alert sent')
    } catch (err) {
      const why = (err as Error).message
      const last = !dest || alert.attempts >= config.retry.maxAttempts
      const delay = Math.min(config.retry.maxMs, config.retry.baseMs * 2 ** Math.min(30, alert.attempts - 1))
      await outbox
        .markFailed(alert.id, this.#owner, why, last ? null : this.#clock.now() + delay)
        .catch((e: unknown) => logger.error({ err: e, alertId: alert.id }, 'alerts: recording a failed send failed'))
      metrics?.alerts.inc({ ...labels, outcome: last ? 'failed' : 'retry' })
      logger.warn(
        { ...labels, alertId: alert.id, attempts: alert.attempts, reason: why, gaveUp: last },
        'alert not sent',
      )
    }
  }
}
