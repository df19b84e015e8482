import type { FastifyInstance } from 'fastify'
import type { DestinationStream, Logger } from 'pino'
import type { Dispatcher } from 'undici'
import {
  fileWarnings,
  plainTokenWarnings,
  RulesHolder,
  weakTokenProblems,
  type Config,
  type ReloadResult,
} from './config/index.js'
import { DeliveryWorker, LocalRateBudget, SharedRateBudget, type RateBudget } from './delivery/index.js'
import { HighLevelClient } from './highlevel/index.js'
import { setUpLocations, type LocationRegistry } from './locations/index.js'
import { buildApp } from './http/index.js'
import { createLogger } from './log.js'
import { RejectionCounter } from './common/rejections.js'
import { Metrics } from './metrics/index.js'
import { RefusedKeeper } from './refused/index.js'
import { startAlerts } from './alerts/index.js'
import { RuleSetRecorder } from './rules/index.js'
import { createSourceRegistry } from './sources/index.js'
import { openStore, RetentionTimer, type Store } from './store/index.js'

export interface ServiceOptions {
  config: Config
  /** the file `config` came from: rules reload from it (and the rules files it names) */
  configFile?: string
  /** watch the config and rules files and reload on change (default true when configFile is set) */
  watchRules?: boolean
  /** a ready logger; otherwise one is made from config.log and `logStream` */
  logger?: Logger
  logStream?: DestinationStream
  /** an undici dispatcher for HighLevel calls (tests) */
  dispatcher?: Dispatcher
}

export interface Service {
  app: FastifyInstance
  /** http://host:port the service listens on */
  url: string
  store: Store
  worker: DeliveryWorker | null
  /** every location, YAML and installed */
  locations: LocationRegistry
  logger: Logger
  rules: RulesHolder
  /** re-reads and swaps the rules; an invalid file keeps the running ones (SIGHUP calls this) */
  reloadRules(trigger: string): ReloadResult
  /** graceful stop: no new requests, in-flight ones answered, deliveries finished or released, store closed */
  close(): Promise<void>
}

/** The composition root: wires config into the modules and starts listening. */
export async function startService(opts: ServiceOptions): Promise<Service> {
  const { config } = opts
  const sources = createSourceRegistry(config.sources, {
    publicUrl: config.server.publicUrl,
    bodyLimit: config.server.bodyLimit,
  })
  const logger =
    opts.logger ??
    createLogger({ level: config.log.level, stream: opts.logStream, secretQueryParams: sources.secretQueryParams() })
  const holder = new RulesHolder({ config, configFile: opts.configFile, logger: logger.child({ component: 'rules' }) })
  const rules = holder.current()
  const store = await openStore(config.store)
  const retention = new RetentionTimer({
    store: store.housekeeping,
    maxAgeMs: config.store.retention.maxAgeMs,
    everyMs: config.store.retention.everyMs,
    onError: (err) => logger.error({ err }, 'retention: pruning delivered events failed'),
    onPruned: (n) => {
      if (n > 0) logger.info({ events: n }, 'retention: pruned delivered events')
    },
  })
  const rejections = new RejectionCounter()
  const locationIds = Object.fromEntries(
    Object.entries(config.highlevel.locations).map(([name, l]) => [name, l.locationId]),
  )
  // the client is the metrics' rate-budget source, and metrics observe the client's calls
  const rateLimits = { lastRateLimit: (id: string) => client.lastRateLimit(id) }
  // read at scrape time, after the worker below exists
  const pauses = {
    locations: () => worker?.status().locations ?? [],
    auth: () => worker?.status().auth ?? [],
    searchRefused: () => worker?.status().searchRefused ?? [],
  }
  const metrics = new Metrics({
    store,
    rejections,
    locations: locationIds,
    rateLimits,
    pauses,
    locationLabels: config.metrics.locationLabels,
  })
  const refusedKeeper = new RefusedKeeper({
    store: store.refused,
    config: config.refused,
    logger,
    metrics: metrics.ops,
  })
  const deliveryLog = logger.child({ component: 'delivery' })
  const budget = rateBudget(config, store, deliveryLog)
  const client = new HighLevelClient({
    baseUrl: config.highlevel.baseUrl,
    timeoutMs: config.highlevel.timeoutMs,
    dispatcher: opts.dispatcher,
    onResponse: (call) => metrics.observeHighLevel(call),
    onRateLimit: (locationId, info) => budget.observe(locationId, info),
  })

  // set once the worker exists: the registry's first read comes before it
  let wakeLocation = (_key: string): void => {}
  const locations = await setUpLocations({
    locations: config.highlevel.locations,
    app: config.highlevel.app,
    secretKey: config.store.secretKey,
    store,
    client,
    logger: logger.child({ component: 'locations' }),
    onRunnable: (key) => wakeLocation(key),
  })
  const worker = config.delivery.enabled
    ? new DeliveryWorker({
        // batchSize, pollIntervalMs, leaseMs, circuitBreaker and the retry, batching and cache settings
        ...config.delivery,
        store,
        client,
        locations: locations.registry,
        logger: deliveryLog,
        backoff: { baseMs: config.delivery.retryBaseMs, maxMs: config.delivery.retryMaxMs },
        onAttempt: (location, outcome) => metrics.observeDelivery(location, outcome),
        onSuperseded: (location, tags) => metrics.observeSuperseded(location, tags),
        onAlreadyApplied: (location, tags) => metrics.observeAlreadyApplied(location, tags),
        rateLimitOf: (id) => {
          const seen = client.lastRateLimit(id)
          return seen ? { ...seen } : null
        },
        budget,
      })
    : null
  wakeLocation = (key) => worker?.wake([key])

  // the rules in force are recorded before the first request (reloaded ones by their first event)
  const ruleSets = new RuleSetRecorder(store.ruleSets)
  if (!(await ruleSets.ensure(holder.current())))
    logger.warn(
      { rules: holder.current().version },
      'could not record the rule set: events will store their full explain trace',
    )

  let app: FastifyInstance
  try {
    app = await buildApp({
      config,
      store,
      sources,
      rules: () => holder.current(),
      logger,
      onAccepted: (locations) => worker?.wake(locations),
      rejections,
      metrics,
      rateLimits,
      delivery: pauses,
      ruleSets,
      locations: locations.registry,
      ...(locations.installer ? { installs: locations.installer } : {}),
      refusedKeeper,
    })
    await app.listen({ host: config.server.host, port: config.server.port })
  } catch (err) {
    locations.registry.stop()
    await client.close()
    await store.close()
    throw err
  }
  worker?.start()
  retention.start()
  const alerts = startAlerts({
    config: config.alerts,
    store,
    logger,
    metrics: metrics.ops,
    held: () => worker?.status().locations ?? [],
    publicUrl: config.server.publicUrl,
    contactNotFoundRetryHours: config.delivery.contactNotFoundRetryHours,
  })
  if (opts.configFile && opts.watchRules !== false) holder.watch()

  for (const name of sources.unverified())
    logger.warn({ source: name }, 'source accepts events without verification (verify.type: none)')
  const installed = locations.registry.list().filter((e) => e.origin === 'installed' && e.state !== 'removed').length
  for (const message of plainTokenWarnings(config, installed)) logger.warn({ installed }, message)
  for (const message of weakTokenProblems(config.admin)) logger.warn(message)
  if (opts.configFile)
    for (const w of fileWarnings(opts.configFile, config.rulesFrom))
      logger.warn({ file: w.file, mode: w.mode }, w.message)
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.server.port
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  logger.info(
    { url, store: store.kind, rules: rules.version, ruleCount: rules.count, sources: sources.names() },
    'tagrelay listening',
  )

  let closing: Promise<void> | null = null
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // One deadline for the whole stop, so the process exits within shutdownGraceMs even
      // when the HTTP side took part of it; deliveries still running then are abandoned
      // with their leases released (at-least-once: another process redelivers them).
      const deadline = Date.now() + config.server.shutdownGraceMs
      const left = (): number => Math.max(0, deadline - Date.now())
      holder.close()
      locations.registry.stop()
      await app.close()
      await worker?.stop(left())
      await retention.stop()
      await refusedKeeper.settled()
      await alerts.stop()
      await raceTimeout(client.close(), left())
      await store.close()
      logger.info('tagrelay stopped')
    })()
    return closing
  }
  return {
    app,
    url,
    store,
    worker,
    locations: locations.registry,
    logger,
    rules: holder,
    reloadRules: (trigger) => holder.reload(trigger),
    close,
  }
}

/**
 * This process's budget, shared with the other replicas through the store when it is
 * PostgreSQL (unless `delivery.rateLimit.shared: false`): each replica alone would
 * spend the whole window, so together they would exceed it.
 */
function rateBudget(config: Config, store: Store, log: Logger): RateBudget {
  const local = new LocalRateBudget(config.delivery.rateLimit, (locationId, until, reason) =>
    log.warn({ locationId, until: new Date(until).toISOString() }, reason),
  )
  const shared = config.delivery.rateLimit.shared ? store.rateWindow : undefined
  if (shared === undefined) return local
  return new SharedRateBudget(shared, local, (err) =>
    log.error({ err }, 'sharing a pause with the other replicas failed'),
  )
}

/** Waits for `promise` at most `ms`; an HTTP pool with a call still in flight must not hold up exit. */
async function raceTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([promise.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))])
  clearTimeout(timer)
}
