import { seededRandom } from './random.js'
import { runScenario, type ScenarioOutcome } from './model/run.js'
import { generateScenario, type Scenario } from './model/scenario.js'

export interface ModelResult {
  check: 'model'
  scenarios: number
  mismatches: number
  unexpectedDeadLetters: number
  seed: number
  kills: number
  leaseMs: number
  durationMs: number
}

/**
 * `npm run chaos -- model`: `scenarios` random scenarios from `seed` (scenario i uses
 * seed + i, so a failing one replays alone with --seed), each run against the sandbox and
 * checked against the oracle written from the docs.
 */
export async function runModel(opts: {
  scenarios: number
  seed: number
  log: (line: string) => void
  /** scenarios run at once, each with its own sandbox and store (default 8) */
  parallel?: number
  /** delivery kills per scenario (default 0) */
  kills?: number
  /** delivery.leaseMs (default 30 s) */
  leaseMs?: number
}): Promise<ModelResult> {
  const started = Date.now()
  let mismatches = 0
  let unexpectedDeadLetters = 0
  let next = 0
  let finished = 0
  const one = async (i: number): Promise<void> => {
    const seed = opts.seed + i
    const scenario: Scenario = generateScenario(seed, seededRandom(seed))
    // a scenario that throws (its queue never drained) is a mismatch with its seed, not the end of the run
    const outcome = await runScenario(scenario, { kills: opts.kills ?? 0, leaseMs: opts.leaseMs ?? 30_000 }).catch(
      (err: unknown): ScenarioOutcome => {
        opts.log(`scenario seed ${seed}: ${(err as Error).message}`)
        return { mismatch: true, unexpectedDeadLetters: 0 }
      },
    )
    if (outcome.mismatch) mismatches++
    unexpectedDeadLetters += outcome.unexpectedDeadLetters
    if (outcome.detail)
      opts.log(
        `scenario seed ${seed}: ${JSON.stringify({ rules: scenario.rules, steps: scenario.steps, ...outcome.detail })}`,
      )
    if (++finished % 100 === 0) opts.log(`model: ${finished} of ${opts.scenarios} scenarios, ${mismatches} mismatches`)
  }
  const runner = async (): Promise<void> => {
    for (let i = next++; i < opts.scenarios; i = next++) await one(i)
  }
  await Promise.all(Array.from({ length: opts.parallel ?? 8 }, runner))
  return {
    check: 'model',
    scenarios: opts.scenarios,
    mismatches,
    unexpectedDeadLetters,
    seed: opts.seed,
    kills: opts.kills ?? 0,
    leaseMs: opts.leaseMs ?? 30_000,
    durationMs: Date.now() - started,
  }
}
