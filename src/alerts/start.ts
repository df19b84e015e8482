import type { Logger } from 'pino'
import type { Dispatcher } from 'undici'
import type { OpsMetrics } from '../metrics/index.js'
import { randomUUID } from 'node:crypto'
import { systemClock, type Clock } from '../common/clock.js'
import type { RefusedRequestStore, Store } from '../store/index.js'
import { AlertDispatcher } from './dispatcher.js'
import { AlertMonitor, type AlertInputs } from './monitor.js'
import type { AlertsConfig } from './schema.js'

/** the newest alerts read to restore what was sent (one per destination, trigger and subject is enough) */
const LAST_SENT = 500
/** sent alerts older than `keepDays` are pruned this often */
const PRUNE_EVERY_MS = 3_600_000

export interface AlertsOptions {
  config: AlertsConfig
  store: Pick<Store, 'alerts' | 'jobs'> & { refused: Pick<RefusedRequestStore, 'countSince'> }
  logger: Logger
  metrics?: OpsMetrics
  held?: AlertInputs['held']
  publicUrl?: string
  /** the config's delivery.contactNotFoundRetryHours, named in the contacts_awaited alert */
  contactNotFoundRetryHours: number
  /** an undici dispatcher for the sends (tests) */
  dispatcher?: Dispatcher
  clock?: Clock
}

export interface RunningAlerts {
  dispatcher: AlertDispatcher
  monitor: AlertMonitor
  stop(): Promise<void>
}

/**
 * Starts the trigger checks and the sender when any destination is configured. With
 * none, the sender makes one pass and stops: alerts queued before the destinations were
 * removed are marked failed rather than left pending, and an idle outbox is not polled.
 */
export function startAlerts(opts: AlertsOptions): RunningAlerts {
  const { config, store, logger } = opts
  const log = logger.child({ component: 'alerts' })
  const clock = opts.clock ?? systemClock
  const owner = `alerts-${randomUUID()}`
  const dispatcher = new AlertDispatcher({
    outbox: store.alerts,
    config,
    logger: log,
    clock,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
  })
  const monitor = new AlertMonitor({
    config,
    inputs: {
      store,
      ...(opts.held ? { held: opts.held } : {}),
      refusedSince: (since) => store.refused.countSince(since),
      // replicas sharing the store: the lease holder checks, the others only send
      lead: () => store.alerts.lead(owner, config.checkIntervalMs * 3, clock.now()),
      lastSent: async () =>
        (await store.alerts.list({ limit: LAST_SENT })).map((a) => ({
          kind: a.kind,
          subject: a.subject,
          state: a.state,
          at: a.createdAt,
        })),
    },
    enqueue: (m) => dispatcher.enqueue(m),
    logger: log,
    clock,
    ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
    contactNotFoundRetryHours: opts.contactNotFoundRetryHours,
  })
  const active = Object.keys(config.destinations).length > 0
  let sweep: Promise<unknown> = Promise.resolve()
  if (active) {
    dispatcher.start()
    monitor.start()
  } else {
    sweep = dispatcher.runOnce().catch((err: unknown) => log.error({ err }, 'alerts: reading the outbox failed'))
  }
  const pruning = new AbortController()
  void (async () => {
    for (;;) {
      try {
        await clock.sleep(PRUNE_EVERY_MS, pruning.signal, { unref: true })
      } catch {
        return // stopped
      }
      await store.alerts
        .prune(clock.now() - config.keepDays * 86_400_000)
        .catch((err: unknown) => log.error({ err }, 'alerts: pruning sent alerts failed'))
    }
  })()
  return {
    dispatcher,
    monitor,
    async stop() {
      pruning.abort()
      await sweep
      await monitor.stop()
      await dispatcher.stop()
    },
  }
}
