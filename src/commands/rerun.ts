import { userInfo } from 'node:os'
import { compileConfigRules, type Config } from '../config/index.js'
import { codes, TagrelayError } from '../errors.js'
import { rerunEvent, rerunEvents, type RerunPlan, type Waiting } from '../rerun/index.js'
import { createSourceRegistry } from '../sources/index.js'
import { openStore } from '../store/index.js'

export interface RerunArgs {
  id?: string
  source?: string
  since?: string
  until?: string
  dryRun: boolean
  /** also re-plan the events' jobs still pending or dead under the current rules */
  replan?: boolean
}

function waitingLine(w: Waiting, applied: boolean): string {
  const who = w.contact.id ?? w.contact.email ?? w.contact.phone
  const create = w.create === null ? 'not created if missing' : 'created if missing'
  const change = w.changes ? `now ${create}` : `${create}, as before`
  return `job ${w.jobId} (${w.status}, ${who} at ${w.location}): ${change}${applied ? ': re-planned, due now' : ''}`
}

class RerunUsageError extends TagrelayError {
  constructor(message: string) {
    super(codes.TAGRELAY_USAGE, `rerun: ${message}`)
  }
}

/** ISO 8601 or epoch ms, else a usage error naming the option. */
function instant(name: string, text: string): number {
  const ms = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text)
  if (Number.isNaN(ms)) throw new RerunUsageError(`${name} must be an ISO 8601 date-time or epoch ms, got "${text}"`)
  return ms
}

/**
 * `tagrelay rerun --id ID | --source S --since T [--until T] [--dry-run]`: judges stored
 * events again with the config's rules and enqueues the difference (a running service
 * delivers it at its next poll). Prints one line per event; exit 0.
 */
export async function runRerun(
  config: Config,
  configFile: string,
  args: RerunArgs,
  out: (line: string) => void = console.log,
): Promise<number> {
  if ((args.id === undefined) === (args.source === undefined))
    throw new RerunUsageError('give --id ID, or --source S --since T [--until T]')
  if (args.source !== undefined && args.since === undefined) throw new RerunUsageError('--source needs --since')
  if (args.id !== undefined && (args.since !== undefined || args.until !== undefined))
    throw new RerunUsageError('--since and --until go with --source, not --id')
  const sources = createSourceRegistry(config.sources, {
    publicUrl: config.server.publicUrl,
    bodyLimit: config.server.bodyLimit,
  })
  const store = await openStore(config.store)
  try {
    const deps = { store, rules: compileConfigRules(config), source: (name: string) => sources.get(name) }
    const opts = {
      dryRun: args.dryRun,
      replan: args.replan === true,
      by: `tagrelay rerun (${userInfo().username}, ${configFile})`,
    }
    const plans: RerunPlan[] =
      args.id !== undefined
        ? [await rerunEvent(deps, args.id, opts)]
        : await rerunEvents(
            deps,
            {
              source: args.source as string,
              since: instant('--since', args.since as string),
              ...(args.until !== undefined ? { until: instant('--until', args.until) } : {}),
            },
            opts,
          )
    for (const p of plans) {
      const jobs = p.jobs.map((j) => {
        const who = j.contact.id ?? j.contact.email ?? j.contact.phone
        return `${who} +[${j.add.join(', ')}] -[${j.remove.join(', ')}]`
      })
      out(
        `${p.eventId}\t${p.source}\t${p.judgedBy ?? '?'} -> ${p.rulesVersion}\t${jobs.length === 0 ? 'nothing new' : jobs.join('; ')}`,
      )
      for (const w of p.waiting) out(`  ${waitingLine(w, args.replan === true && !args.dryRun)}`)
    }
    const total = plans.reduce((n, p) => n + p.jobs.length, 0)
    const waiting = plans.reduce((n, p) => n + p.waiting.length, 0)
    const replanned = plans.reduce((n, p) => n + p.replanned.length, 0)
    out(
      `${args.dryRun ? 'dry run: would enqueue' : 'enqueued'} ${total} job${total === 1 ? '' : 's'} for ${plans.length} event${plans.length === 1 ? '' : 's'}${
        args.replan && !args.dryRun ? `; re-planned ${replanned} waiting job${replanned === 1 ? '' : 's'}` : ''
      }`,
    )
    if (waiting > 0 && !args.replan)
      out(
        `${waiting} job${waiting === 1 ? ' is' : 's are'} still pending or dead: add --replan to re-plan ${waiting === 1 ? 'it' : 'them'} under the current rules (even when the tags are the same)`,
      )
    return 0
  } finally {
    await store.close()
  }
}
