import { setTimeout as sleep } from 'node:timers/promises'
import { checkJobs, checkLastWord, waitForDelivery, type JobCheck, type LastWordCheck, type SetCheck } from './check.js'
import { Driver } from './driver.js'
import { between, seededRandom } from './random.js'
import { startRig, type StoreKind } from './rig.js'
import { ServiceProcess, spawnTagrelay, type SpawnTagrelay } from './service.js'

export interface CrashOptions {
  kills: number
  store: StoreKind
  databaseUrl?: string
  seed: number
  /** events per second the driver sends (default 40) */
  ratePerSec?: number
  /** how long each process runs after it listens before its SIGKILL, ms (default 300 to 2,500) */
  upMs?: [number, number]
  /** how long the service stays down before the restart, ms (default 0 to 500) */
  downMs?: [number, number]
  /** delivery.leaseMs of the service (default 30 s, the service's default) */
  leaseMs?: number
  /** how long the last process gets to deliver everything (default 60 s) */
  deliveryTimeoutMs?: number
  spawn?: SpawnTagrelay
  log?: (line: string) => void
}

export type CrashResult = SetCheck &
  JobCheck &
  LastWordCheck & {
    leaseMs: number
    /** duplicatesApplied per acknowledged event, in percent (issue 24: at most 1) */
    duplicatePercent: number
    kills: number
    /** kills after which the process really ended by SIGKILL (no shutdown code ran) */
    killedBySignal: number
    seed: number
    store: StoreKind
    refusals: Record<string, number>
    /** 429s the sandbox's own rate limiter answered (a fresh process does not know the last one's spend) */
    rateLimited: number
    waitedMs: number
    durationMs: number
  }

/**
 * The crash run: the service as a child process under a steady stream of signed events,
 * SIGKILLed at seeded random moments and restarted on the same store each time; then
 * the last process delivers, and the set check looks for every acknowledged event's tag
 * in the sandbox. The sandbox lives in this process, so it survives every kill.
 */
export async function runCrash(opts: CrashOptions): Promise<CrashResult> {
  const started = Date.now()
  const log = opts.log ?? (() => {})
  const random = seededRandom(opts.seed)
  const [upMin, upMax] = opts.upMs ?? [300, 2500]
  const [downMin, downMax] = opts.downMs ?? [0, 500]
  const spawn = opts.spawn ?? spawnTagrelay
  // clock ×10: the sandbox's 100-per-10-s window lasts 1 s, so a restarted process that
  // overruns the window its predecessor spent waits 1 s, not 10
  const leaseMs = opts.leaseMs ?? 30_000
  const rig = await startRig({
    store: opts.store,
    databaseUrl: opts.databaseUrl,
    sandbox: { clockScale: 10 },
    delivery: { leaseMs },
  })
  const driver = new Driver({ url: rig.url, contacts: rig.contacts, ratePerSec: opts.ratePerSec ?? 40 })
  let service: ServiceProcess | null = null
  try {
    log(`crash: ${opts.kills} kills, store ${rig.storeLabel}, seed ${opts.seed}, service at ${rig.url}`)
    service = new ServiceProcess(spawn, rig.configFile)
    await service.listening()
    driver.start()
    let killedBySignal = 0
    for (let k = 1; k <= opts.kills; k++) {
      const upMs = between(random, upMin, upMax)
      await sleep(upMs)
      const pid = service.pid
      if ((await service.kill()) === 'SIGKILL') killedBySignal++
      log(
        `kill ${k}/${opts.kills}: pid ${pid} after ${upMs} ms up; ${driver.acknowledged.size} acknowledged, ${driver.unacknowledged.size} not, so far`,
      )
      await sleep(between(random, downMin, downMax))
      service = new ServiceProcess(spawn, rig.configFile)
      await service.listening()
    }
    await sleep(between(random, upMin, upMax)) // the last process takes traffic too
    await driver.stop()
    log(`driver stopped: ${driver.sent} sent, ${driver.acknowledged.size} acknowledged; waiting for delivery`)
    const check = await waitForDelivery(
      rig.sandbox,
      driver.acknowledged,
      driver.unacknowledged,
      opts.deliveryTimeoutMs ?? 60_000,
    )
    await service.stop()
    service = null
    const store = await rig.openStore()
    const [jobs, lastWord] = await Promise.all([
      checkJobs(store, Number(rig.delivery.retryMaxAttempts)),
      checkLastWord(store, rig.sandbox, rig.contacts),
    ]).finally(() => store.close())
    return {
      ...check,
      ...lastWord,
      leaseMs,
      duplicatePercent: Math.round((10_000 * check.duplicatesApplied) / Math.max(1, check.acknowledged)) / 100,
      kills: opts.kills,
      killedBySignal,
      seed: opts.seed,
      store: opts.store,
      refusals: driver.refusals,
      rateLimited: rig.sandbox.rateLimited,
      ...jobs,
      durationMs: Date.now() - started,
    }
  } finally {
    await driver.stop()
    if (service !== null) await service.kill()
    await rig.close()
  }
}
