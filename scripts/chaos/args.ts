import { parseArgs } from 'node:util'
import { newSeed } from './random.js'
import type { StoreKind } from './rig.js'

export const USAGE = `usage: npm run chaos -- <command> [options]

commands:
  crash   [--kills N] [--store sqlite|postgres] [--seed N] [--rate N] [--lease-ms N]
          SIGKILL the service N times (default 20) under a stream of signed events,
          restart it on the same store, then check every acknowledged event was delivered
  faults  [--store sqlite|postgres] [--seed N] [--rate N] [--drive-ms N] [--outage-ms N]
          5xx, 429s, timeouts, resets and a full outage from the sandbox; then check
          delivery, attempts, dead letters and the rate budget
  model   [--scenarios N] [--seed N] [--kills K] [--lease-ms N]
          N random scenarios (default 200; rules, people, faults, deletions, restarts,
          opt-in/opt-out bursts, the not-found window) against the sandbox, each checked
          against an oracle written from the docs; --kills K kills the delivery K times
          per scenario (nothing more written, answers in flight lost) and restarts it

--lease-ms is delivery.leaseMs (default 30000, the service's default; a kill's jobs come
back through the SQLite takeover or, on PostgreSQL, when the lease runs out).

--seed (or CHAOS_SEED) replays a run's kill schedule and fault dice; --rate is events per
second (default 40). PostgreSQL comes from CHAOS_DATABASE_URL or TEST_DATABASE_URL; the
run creates its own schema and drops it. The last line printed is one JSON object.`

export class ChaosUsageError extends Error {}

interface Common {
  store: StoreKind
  databaseUrl?: string
  seed: number
  ratePerSec: number
}

export type ChaosCommand =
  | (Common & { command: 'crash'; kills: number; leaseMs: number })
  | (Common & { command: 'faults'; driveMs: number; outageMs: number })
  | (Common & { command: 'model'; scenarios: number; kills: number; leaseMs: number })

/** Reads `crash|faults [options]`; every bad input is a ChaosUsageError naming the option. */
export function parseChaosArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ChaosCommand {
  const [command, ...rest] = argv
  if (command !== 'crash' && command !== 'faults' && command !== 'model') {
    throw new ChaosUsageError(
      command === undefined
        ? 'a command is required (crash, faults or model)'
        : `unknown command "${command}" (crash, faults or model)`,
    )
  }
  let values: Record<string, string | undefined>
  try {
    const own = {
      crash: ['kills', 'lease-ms'],
      faults: ['drive-ms', 'outage-ms'],
      model: ['scenarios', 'kills', 'lease-ms'],
    }[command]
    const names = ['store', 'seed', 'rate', ...own]
    const options = Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]))
    values = parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | undefined
    >
  } catch (err) {
    throw new ChaosUsageError(`${command}: ${(err as Error).message}`)
  }
  const store = values.store ?? 'sqlite'
  if (store !== 'sqlite' && store !== 'postgres')
    throw new ChaosUsageError(`--store must be sqlite or postgres, got "${store}"`)
  const databaseUrl = env.CHAOS_DATABASE_URL || env.TEST_DATABASE_URL || undefined
  if (store === 'postgres' && databaseUrl === undefined) {
    throw new ChaosUsageError(
      '--store postgres needs CHAOS_DATABASE_URL or TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)',
    )
  }
  const seedText = values.seed ?? env.CHAOS_SEED
  const common: Common = {
    store,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    seed:
      seedText === undefined || seedText === ''
        ? newSeed()
        : integer(values.seed === undefined ? 'CHAOS_SEED' : '--seed', seedText, 0, 2 ** 32 - 1),
    ratePerSec: values.rate === undefined ? 40 : integer('--rate', values.rate, 1, 1000),
  }
  const leaseMs = values['lease-ms'] === undefined ? 30_000 : integer('--lease-ms', values['lease-ms'], 1000, 3_600_000)
  if (command === 'model')
    return {
      command,
      ...common,
      scenarios: values.scenarios === undefined ? 200 : integer('--scenarios', values.scenarios, 1, 1_000_000),
      kills: values.kills === undefined ? 0 : integer('--kills', values.kills, 0, 100),
      leaseMs,
    }
  if (command === 'crash')
    return {
      command,
      ...common,
      kills: values.kills === undefined ? 20 : integer('--kills', values.kills, 1, 1000),
      leaseMs,
    }
  const driveMs = values['drive-ms'] === undefined ? 12_000 : integer('--drive-ms', values['drive-ms'], 1000, 600_000)
  const outageMs = values['outage-ms'] === undefined ? 3000 : integer('--outage-ms', values['outage-ms'], 100, 600_000)
  if (outageMs >= driveMs)
    throw new ChaosUsageError(
      `--outage-ms (${outageMs}) must be shorter than --drive-ms (${driveMs}): the outage has to end while events still arrive`,
    )
  return { command, ...common, driveMs, outageMs }
}

function integer(name: string, text: string, min: number, max: number): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ChaosUsageError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`)
  }
  return n
}
