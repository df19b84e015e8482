import { setTimeout as sleep } from 'node:timers/promises'
import type { FaultSettingsInput } from '../../src/sandbox/index.js'
import { checkJobs, waitForDelivery, type JobCheck, type SetCheck } from './check.js'
import { Driver } from './driver.js'
import { seededRandom } from './random.js'
import { startRig, type StoreKind } from './rig.js'
import { ServiceProcess, spawnTagrelay, type SpawnTagrelay } from './service.js'

export interface FaultsOptions {
  store: StoreKind
  databaseUrl?: string
  seed: number
  ratePerSec?: number
  /** how long events are sent, ms (default 12 s) */
  driveMs?: number
  /** the full outage: every call answers 503 from `outageStartMs` after the start for `outageMs` (default 3 s at 4 s) */
  outageStartMs?: number
  outageMs?: number
  deliveryTimeoutMs?: number
  spawn?: SpawnTagrelay
  log?: (line: string) => void
}

export type FaultsResult = SetCheck &
  JobCheck & {
    seed: number
    store: StoreKind
    /** 429s the sandbox's own limiter answered: the location went over its budget (must be 0) */
    rateLimited: number
    /** HighLevel calls the sandbox saw, injected failures included */
    calls: number
    /** the faults the sandbox injected, by kind ('outage', 'timeout', 'reset', '503', ...) */
    injected: Record<string, number>
    retryMaxAttempts: number
    faults: FaultSettingsInput
    ok: boolean
    waitedMs: number
    durationMs: number
  }

/** Transient faults only: every one of them must end in a delivery, never a dead letter. */
const RANDOM_FAULTS = {
  errorRates: { 500: 0.04, 502: 0.04, 503: 0.04, 429: 0.03 },
  timeoutRate: 0.03,
  resetRate: 0.03,
  retryAfterSec: 1,
}
const MAX_ATTEMPTS = 20
const TIMEOUT_MS = 500
/**
 * The location's limit: 30 calls per 10 s of sandbox time, with the sandbox clock ×10 (so
 * 30 per real second). Why not HighLevel's 100 per 10 s at real speed: the budget treats
 * any 429 (an injected one too) as "this window is spent" and waits for the next, which
 * at real speed costs up to 10 s per injected 429. Why 30 and 40 contacts: each round
 * wants up to one call per contact, more than the window allows, so the budget binds.
 */
const LIMITS = { burst: 30, intervalMs: 10_000 }
const CLOCK_SCALE = 10
const CONTACTS = 40

/**
 * The faults run: one service process under a rate limit that binds, and a sandbox that answers 5xx and injected 429s,
 * never answers (the client's 500 ms timeout fires), resets connections, and goes fully
 * down for a window. The checks: every acknowledged event delivered after recovery, no
 * dead letters, no job beyond retryMaxAttempts, and no 429 from the sandbox's own limiter.
 */
export async function runFaults(opts: FaultsOptions): Promise<FaultsResult> {
  const started = Date.now()
  const log = opts.log ?? (() => {})
  const rig = await startRig({
    store: opts.store,
    databaseUrl: opts.databaseUrl,
    contacts: CONTACTS,
    sandbox: { random: seededRandom(opts.seed), clockScale: CLOCK_SCALE, limits: LIMITS },
    delivery: {
      retryMaxAttempts: MAX_ATTEMPTS,
      rateLimit: { max: LIMITS.burst, intervalMs: LIMITS.intervalMs / CLOCK_SCALE },
    },
    highlevelTimeoutMs: TIMEOUT_MS,
  })
  const driver = new Driver({ url: rig.url, contacts: rig.contacts, ratePerSec: opts.ratePerSec ?? 40 })
  const driveMs = opts.driveMs ?? 12_000
  const faults: FaultSettingsInput = {
    ...RANDOM_FAULTS,
    outage: { startsInMs: opts.outageStartMs ?? 4000, durationMs: opts.outageMs ?? 3000, status: 503 },
  }
  let service: ServiceProcess | null = null
  try {
    log(`faults: store ${rig.storeLabel}, seed ${opts.seed}, ${JSON.stringify(faults)}, sending for ${driveMs} ms`)
    service = new ServiceProcess(opts.spawn ?? spawnTagrelay, rig.configFile)
    await service.listening()
    rig.sandbox.setFaults(faults)
    driver.start()
    await sleep(driveMs)
    await driver.stop()
    log(
      `driver stopped: ${driver.sent} sent, ${driver.acknowledged.size} acknowledged; waiting for delivery (random faults still on)`,
    )
    const check = await waitForDelivery(
      rig.sandbox,
      driver.acknowledged,
      driver.unacknowledged,
      opts.deliveryTimeoutMs ?? 60_000,
    )
    await service.stop()
    service = null
    const store = await rig.openStore()
    const jobs = await checkJobs(store, MAX_ATTEMPTS).finally(() => store.close())
    const rateLimited = rig.sandbox.rateLimited
    return {
      ...check,
      seed: opts.seed,
      store: opts.store,
      rateLimited,
      calls: rig.sandbox.calls.total,
      injected: rig.sandbox.injected,
      retryMaxAttempts: MAX_ATTEMPTS,
      faults,
      ...jobs,
      ok: check.lost === 0 && jobs.dead === 0 && jobs.overMaxAttempts === 0 && rateLimited === 0,
      durationMs: Date.now() - started,
    }
  } finally {
    await driver.stop()
    if (service !== null) await service.kill()
    await rig.close()
  }
}
