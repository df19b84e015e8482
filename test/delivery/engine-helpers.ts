import { join } from 'node:path'
import { DeliveryWorker, LocalRateBudget, type WorkerOptions } from '../../src/delivery/index.js'
import { HighLevelClient, type LocationAuth } from '../../src/highlevel/index.js'
import { startSandbox, type SandboxOptions } from '../../src/sandbox/index.js'
import { createLogger } from '../../src/log.js'
import { openStore, type NewJob, type Store } from '../../src/store/index.js'
import { captureLogs, tempDir } from '../helpers/build.js'
import { deliveryDefaults } from '../helpers/delivery.js'

type Teardown = { teardown(fn: () => unknown): void }

export const LOC_A = 'locAaaaaaaaaaaaaaaaa01'
export const LOC_B = 'locBbbbbbbbbbbbbbbbb02'
export const TOKENS = { 'pit-token-location-a-0001': LOC_A, 'pit-token-location-b-0002': LOC_B }
export const auths = new Map<string, LocationAuth>([
  ['a', { locationId: LOC_A, accessToken: () => 'pit-token-location-a-0001' }],
  ['b', { locationId: LOC_B, accessToken: () => 'pit-token-location-b-0002' }],
])

/** A sandbox with two locations, a store file, and a worker factory over them. */
export async function engineSetup(t: Teardown, sandboxOpts: Partial<SandboxOptions> = {}) {
  const sandbox = await startSandbox({ tokens: TOKENS, ...sandboxOpts })
  const file = join(tempDir(t), 'engine.db')
  const store = await openStore({ url: `sqlite:${file}` })
  const logs = captureLogs()
  const clients: HighLevelClient[] = []
  const stores: Store[] = [store]
  const worker = (opts: Partial<WorkerOptions> = {}) => {
    const budget =
      opts.budget ?? new LocalRateBudget({ max: 100, intervalMs: 10_000, safetyMargin: 0.03, dailyReserve: 10 })
    const client = new HighLevelClient({
      baseUrl: sandbox.url,
      timeoutMs: 2000,
      onRateLimit: (l, i) => budget.observe(l, i),
    })
    clients.push(client)
    return new DeliveryWorker({
      ...deliveryDefaults(),
      store,
      client,
      budget,
      locations: auths,
      logger: createLogger({ level: 'debug', stream: logs.stream }),
      batchSize: 100,
      pollIntervalMs: 10,
      leaseMs: 5000,
      backoff: { baseMs: 1, maxMs: 5 },
      ...opts,
    })
  }
  const openSecond = async () => {
    const s = await openStore({ url: `sqlite:${file}` })
    stores.push(s)
    return s
  }
  t.teardown(async () => {
    for (const c of clients) await c.close()
    for (const s of stores) await s.close()
    await sandbox.close()
  })
  return { sandbox, store, worker, logs, openSecond }
}

let n = 0
export async function acceptJobs(store: Store, ...jobs: Partial<NewJob>[]): Promise<string> {
  const id = `evt-engine-${++n}`
  await store.intake.accept(
    { id, source: 'forms', receivedAt: Date.now() - 1, headers: {}, body: {}, tags: [], explain: null },
    jobs.map((job) => ({ location: 'a', contact: {}, add: ['lead'], remove: [], rules: ['r'], ...job })),
  )
  return id
}

export { holds as until } from '../helpers/until.js'
