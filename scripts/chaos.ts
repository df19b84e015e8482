/**
 * `npm run chaos -- crash|faults|model [options]`: the crash, fault and model runs of scripts/chaos/.
 * Progress goes to stdout, then one JSON object on the last line; the exit code is 1
 * when the check fails (anything acknowledged lost; for faults also dead letters,
 * attempts over the policy or a 429 from the rate limiter), 2 for bad arguments.
 */
import { ChaosUsageError, parseChaosArgs, USAGE, type ChaosCommand } from './chaos/args.js'
import { runCrash } from './chaos/crash.js'
import { runFaults } from './chaos/faults.js'
import { runModel } from './chaos/model.js'

let args: ChaosCommand
try {
  args = parseChaosArgs(process.argv.slice(2))
} catch (err) {
  if (!(err instanceof ChaosUsageError)) throw err
  console.error(`chaos: ${err.message}\n\n${USAGE}`)
  process.exit(2)
}

const log = (line: string): void => console.log(line)
const summary = (o: object): string => JSON.stringify(o)

if (args.command === 'model') {
  const { durationMs, ...result } = await runModel({
    scenarios: args.scenarios,
    seed: args.seed,
    kills: args.kills,
    leaseMs: args.leaseMs,
    log,
  })
  console.log(
    `model: ${result.mismatches === 0 && result.unexpectedDeadLetters === 0 ? 'PASS' : 'FAIL'}: ${result.scenarios} scenarios, ${result.mismatches} mismatches, ${result.unexpectedDeadLetters} unexpected dead letters (seed ${result.seed}, ${(durationMs / 1000).toFixed(1)} s)`,
  )
  console.log(summary(result))
  process.exit(result.mismatches === 0 && result.unexpectedDeadLetters === 0 ? 0 : 1)
} else if (args.command === 'crash') {
  const result = await runCrash({ ...args, log })
  console.log(
    `crash: ${result.lost === 0 && result.lastWordWrong === 0 ? 'PASS' : 'FAIL'}: ${result.lost} of ${result.acknowledged} acknowledged events lost, ${result.lastWordWrong} of ${result.lastWordChecked} contacts not at their last word, ${result.duplicatesApplied} duplicate tag writes (${result.duplicatePercent} %) after ${result.killedBySignal} SIGKILLs (lease ${result.leaseMs} ms, seed ${result.seed}, ${(result.durationMs / 1000).toFixed(1)} s)`,
  )
  console.log(summary(result))
  process.exit(result.lost === 0 && result.lastWordWrong === 0 ? 0 : 1)
} else {
  const result = await runFaults({ ...args, outageStartMs: Math.round((args.driveMs - args.outageMs) / 3), log })
  console.log(
    `faults: ${result.ok ? 'PASS' : 'FAIL'}: lost ${result.lost}, dead ${result.dead}, over max attempts ${result.overMaxAttempts}, own 429s ${result.rateLimited} (seed ${result.seed}, ${(result.durationMs / 1000).toFixed(1)} s)`,
  )
  console.log(summary(result))
  process.exit(result.ok ? 0 : 1)
}
