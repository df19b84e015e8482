import type { Logger } from 'pino'
import { systemClock, type Clock } from '../common/clock.js'
import type { AlertOutbox, JobQueue } from '../store/index.js'
import { awaitedMessage } from './awaited.js'
import type { AlertMessage } from './message.js'
import { deadLetterDigest, deadLettersCleared, heldMessage, pendingMessage, refusalMessage } from './messages.js'
import type { AlertsConfig } from './schema.js'
import { WatchSet } from './watch.js'

export interface AlertInputs {
  store: {
    alerts: Pick<AlertOutbox, 'deadLettersSince'> & Partial<Pick<AlertOutbox, 'awaitingContacts'>>
    jobs: Pick<JobQueue, 'stats'>
  }
  /** the delivery engine's per-location state (HighLevel locationId) */
  held?: () => Array<{ locationId: string; paused: boolean; reason: string | null }>
  /** signature or token refusals per source since a time (the kept refused requests: every replica's) */
  refusedSince?: (since: number) => Promise<Array<{ source: string; count: number }>>
  /** takes or renews the one checking lease; absent: always check (one process) */
  lead?: () => Promise<boolean>
  /**
   * the alerts last queued per trigger and subject (the outbox, shared by every replica):
   * read when this process starts checking, so a restart or a new lease holder does not
   * send again what was sent within `quietMinutes`
   */
  lastSent?: () => Promise<Array<{ kind: string; subject: string; state: string; at: number }>>
}

export interface AlertMonitorOptions {
  config: AlertsConfig
  inputs: AlertInputs
  enqueue: (message: AlertMessage) => Promise<void>
  logger: Logger
  /** server.publicUrl: links become absolute */
  publicUrl?: string
  /** the config's delivery.contactNotFoundRetryHours, named in the contacts_awaited alert */
  contactNotFoundRetryHours: number
  clock?: Clock
}

const MIN = 60_000

/**
 * Checks the triggers every `checkIntervalMs` and queues what they raise. Reads only
 * (queue stats, the engine's state, counters, new dead letters), on its own timer: a
 * slow check delays the next check, never ingest or delivery.
 */
export class AlertMonitor {
  readonly #o: AlertMonitorOptions
  readonly #clock: Clock
  readonly #held = new WatchSet()
  readonly #pending = new WatchSet()
  readonly #refused = new WatchSet()
  readonly #awaited = new WatchSet()
  #lastCheck: number
  #deadQueued = {
    count: 0,
    first: [] as Array<{ id: number; eventId: string; location: string; lastError: string | null }>,
  }
  #lastDigest: number | null = null
  /** the check loop's stop: aborts its wait between checks */
  #stop: AbortController | undefined
  #loop: Promise<void> | undefined
  /** whether this process held the lease at its last check: on taking it, the outbox is read again */
  #leading = false

  constructor(opts: AlertMonitorOptions) {
    this.#o = opts
    this.#clock = opts.clock ?? systemClock
    this.#lastCheck = this.#clock.now()
  }

  /** checks every `checkIntervalMs` (from the end of one check to the start of the next) until stop() */
  start(): void {
    if (this.#stop) return
    const stop = (this.#stop = new AbortController())
    this.#loop = (async () => {
      for (;;) {
        try {
          await this.#clock.sleep(this.#o.config.checkIntervalMs, stop.signal, { unref: true })
        } catch {
          return // stopped
        }
        await this.check().catch((err: unknown) =>
          this.#o.logger.error({ err }, 'alerts: checking the triggers failed'),
        )
      }
    })()
  }

  /** ends the loop; resolves when a check under way has finished */
  async stop(): Promise<void> {
    this.#stop?.abort()
    this.#stop = undefined
    await this.#loop
  }

  /** One pass over every trigger (by the replica holding the lease, when replicas share a store). */
  async check(): Promise<void> {
    const now = this.#clock.now()
    if (this.#o.inputs.lead && !(await this.#o.inputs.lead())) {
      this.#lastCheck = now
      this.#leading = false
      return
    }
    if (!this.#leading) await this.#restore()
    this.#leading = true
    const t = this.#o.config.triggers
    const out: AlertMessage[] = []
    const link = (path: string): string => `${this.#o.publicUrl?.replace(/\/$/, '') ?? ''}${path}`
    if (t.deadLetters.enabled) await this.#deadLetters(now, out, link)
    if (t.locationHeld.enabled && this.#o.inputs.held) {
      const held = new Map(
        this.#o.inputs
          .held()
          .filter((l) => l.paused)
          .map((l) => [l.locationId, l.reason]),
      )
      for (const [subject, step, w] of this.#held.step(
        new Set(held.keys()),
        now,
        t.locationHeld.afterMinutes * MIN,
        t.locationHeld.quietMinutes * MIN,
      ))
        out.push(heldMessage(subject, step!, held.get(subject) ?? null, w.since, now, link))
    }
    if (t.oldestPending.enabled) {
      const stats = await this.#o.inputs.store.jobs.stats()
      const old = new Map(
        stats
          .filter(
            (q) => q.oldestDeliverableAt !== null && now - q.oldestDeliverableAt > t.oldestPending.afterMinutes * MIN,
          )
          .map((q) => [q.location, q]),
      )
      for (const [subject, step] of this.#pending.step(new Set(old.keys()), now, 0, t.oldestPending.quietMinutes * MIN))
        out.push(pendingMessage(subject, step!, old.get(subject), now, link))
    }
    if (t.refusals.enabled && this.#o.inputs.refusedSince) await this.#refusals(now, out, link)
    const awaiting = this.#o.inputs.store.alerts.awaitingContacts
    if (t.contactsAwaited.enabled && awaiting) {
      const found = await awaiting.call(this.#o.inputs.store.alerts, now - t.contactsAwaited.afterMinutes * MIN, 10)
      const on = new Set(found.count > 0 ? ['*'] : [])
      for (const [, step] of this.#awaited.step(on, now, 0, t.contactsAwaited.quietMinutes * MIN))
        out.push(awaitedMessage(step!, found, this.#o.contactNotFoundRetryHours, now, link))
    }
    this.#lastCheck = now
    for (const m of out) await this.#o.enqueue(m)
  }

  /** What was sent before this process led: each subject whose last alert fired counts as fired then. */
  async #restore(): Promise<void> {
    const sent = (await this.#o.inputs.lastSent?.()) ?? []
    const last = new Map<string, { kind: string; subject: string; state: string; at: number }>()
    for (const a of sent) {
      const key = `${a.kind}\u0000${a.subject}`
      if ((last.get(key)?.at ?? -1) < a.at) last.set(key, a)
    }
    const watches: Record<string, WatchSet> = {
      location_held: this.#held,
      oldest_pending: this.#pending,
      refusals: this.#refused,
    }
    for (const a of last.values()) {
      if (a.kind === 'dead_letters') {
        if (a.state === 'digest') this.#lastDigest = Math.max(this.#lastDigest ?? 0, a.at)
      } else if (a.state === 'firing') watches[a.kind]?.restore(a.subject, a.at)
    }
  }

  async #deadLetters(now: number, out: AlertMessage[], link: (p: string) => string): Promise<void> {
    const t = this.#o.config.triggers.deadLetters
    const fresh = await this.#o.inputs.store.alerts.deadLettersSince(this.#lastCheck, 5)
    const q = this.#deadQueued
    q.count += fresh.count
    for (const j of fresh.first) if (q.first.length < 5) q.first.push(j)
    const quiet = this.#lastDigest !== null && now - this.#lastDigest < t.quietMinutes * MIN
    if (q.count >= t.threshold && !quiet) {
      out.push(deadLetterDigest(q.count, q.first, now, link))
      this.#lastDigest = now
      this.#deadQueued = { count: 0, first: [] }
    } else if (this.#lastDigest !== null && q.count === 0) {
      const dead = (await this.#o.inputs.store.jobs.stats()).reduce((n, l) => n + l.dead, 0)
      if (dead === 0) {
        out.push(deadLettersCleared(now, link))
        this.#lastDigest = null
      }
    }
  }

  async #refusals(now: number, out: AlertMessage[], link: (p: string) => string): Promise<void> {
    const t = this.#o.config.triggers.refusals
    const counts = await this.#o.inputs.refusedSince!(now - t.windowMinutes * MIN)
    const inWindow = new Map(counts.map((c) => [c.source, c.count]))
    const over = new Set([...inWindow].filter(([, n]) => n >= t.threshold).map(([s]) => s))
    for (const [source, step] of this.#refused.step(over, now, 0, t.quietMinutes * MIN))
      out.push(refusalMessage(source, step!, inWindow.get(source) ?? 0, t.windowMinutes, now, link))
  }
}
