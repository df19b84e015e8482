import { replayDeadLetters } from '../delivery/index.js'
import type { Job, Store } from '../store/index.js'
import { replansFor, type RerunDeps } from './rerun.js'

export type ReplayDeps = RerunDeps

async function deadJobs(store: Pick<Store, 'deadLetters'>, which: number[] | 'all'): Promise<Job[]> {
  if (which !== 'all')
    return (await Promise.all(which.map((id) => store.deadLetters.get(id)))).flatMap((d) => (d ? [d.job] : []))
  const jobs: Job[] = []
  for (;;) {
    const page = await store.deadLetters.list({ limit: 1000, afterId: jobs.at(-1)?.id ?? 0 })
    jobs.push(...page)
    if (page.length < 1000) return jobs
  }
}

/**
 * Replay with the rules in force: each dead letter goes back to the queue with the
 * `create:` fields its event's rules give now, so a rule that gained `create:` after the
 * job died creates the contact (the tags stay the job's own; `tagrelay rerun` changes
 * those). A job whose event or rule is gone is replayed as it was.
 */
export async function replayUnderRules(deps: ReplayDeps, which: number[] | 'all', now = Date.now()): Promise<number[]> {
  const replans = await replansFor(deps, await deadJobs(deps.store, which))
  const replanned = await deps.store.deadLetters.replan(replans, now)
  const done = new Set(replanned)
  const rest = which === 'all' ? 'all' : which.filter((id) => !done.has(id))
  const replayed = rest === 'all' || rest.length > 0 ? await replayDeadLetters(deps.store, rest, now) : []
  return [...new Set([...replanned, ...replayed])].sort((a, b) => a - b)
}
