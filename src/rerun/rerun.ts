import { codes, TagrelayError } from '../errors.js'
import { judge, type JudgedSource } from '../ingest/index.js'
import type { CompiledRules } from '../rules/index.js'
import type { EventRecord, Job, JobReplan, NewJob, Store } from '../store/index.js'
import { currentCreate, waitingJobs, type Waiting } from './replan.js'

export class RerunEventNotFoundError extends TagrelayError {
  constructor(id: string) {
    super(codes.TAGRELAY_EVENT_NOT_FOUND, `no event ${id} (never received, or pruned)`)
  }
}

export interface RerunDeps {
  store: Pick<Store, 'trail' | 'deadLetters'>
  /** the rules in force now */
  rules: CompiledRules
  /** the event's source as configured now (its location and secret names) */
  source(name: string): JudgedSource
}

export interface RerunPlan {
  eventId: string
  source: string
  /** the rules version that judged the event first, when recorded */
  judgedBy: string | null
  rulesVersion: string
  dryRun: boolean
  /** the jobs the re-run enqueues (or would): only what earlier judgements did not ask for */
  jobs: NewJob[]
  /** tags earlier judgements added that the rules now in force do not: reported, never removed */
  noLongerAdded: { location: string; contact: NewJob['contact']; tags: string[] }[]
  /**
   * the event's jobs still pending or dead, each with how the rules in force now would
   * find and create its contact: `--replan` (admin API `replan: true`) applies it even
   * when the tags are the same (a rule that gained `create:` then creates the contact)
   */
  waiting: Waiting[]
  /** the ids of the jobs re-planned (empty without replan or with dryRun) */
  replanned: number[]
}

const identity = (j: Pick<NewJob, 'location' | 'contact'>): string =>
  JSON.stringify([j.location, j.contact.id ?? null, j.contact.email ?? null, j.contact.phone ?? null])

/**
 * Judges a stored event again with the rules in force now and enqueues the difference:
 * per contact, tags to add or remove that no earlier job of the event (first judgement or
 * re-run) asked for. Why the difference and not everything: the first jobs already ran,
 * and adding a tag twice is harmless but a second untag after a later re-add is not. Why
 * tags no longer added are only reported: an event judged by a wrong rule says nothing
 * about a tag a person may have got elsewhere since; an `untag` rule says that.
 */
export async function rerunEvent(
  deps: RerunDeps,
  eventId: string,
  opts: { dryRun: boolean; by: string; now?: number; replan?: boolean },
): Promise<RerunPlan> {
  const event = await deps.store.trail.getEvent(eventId)
  if (!event) throw new RerunEventNotFoundError(eventId)
  const plan = planRerun(deps, event, opts.dryRun)
  if (opts.dryRun) return plan
  const at = opts.now ?? Date.now()
  const replans: JobReplan[] = opts.replan ? plan.waiting.map((w) => ({ id: w.jobId, create: w.create })) : []
  await deps.store.trail.recordRerun(
    eventId,
    {
      at,
      by: opts.by,
      rulesVersion: plan.rulesVersion,
      changes: {
        judgedBy: plan.judgedBy,
        jobs: plan.jobs,
        noLongerAdded: plan.noLongerAdded,
        ...(replans.length > 0 ? { replanned: replans } : {}),
      },
    },
    plan.jobs,
  )
  // after the record: a crash in between leaves the jobs as they were, and a second re-run replans them
  if (replans.length > 0) plan.replanned = await deps.store.deadLetters.replan(replans, at)
  return plan
}

function planRerun(deps: Pick<RerunDeps, 'rules' | 'source'>, event: EventRecord, dryRun: boolean): RerunPlan {
  const explain = (event.explain ?? {}) as { rulesVersion?: unknown; query?: unknown }
  const query = typeof explain.query === 'object' && explain.query !== null ? explain.query : {}
  const judgement = judge(deps.rules, deps.source(event.source), {
    body: event.body,
    headers: event.headers,
    query: query as Record<string, unknown>,
    receivedAt: event.receivedAt,
  })
  const before = new Map<string, { add: Set<string>; remove: Set<string>; job: NewJob }>()
  for (const job of event.jobs) {
    const had = before.get(identity(job)) ?? { add: new Set(), remove: new Set(), job }
    for (const t of job.add) had.add.add(t.toLowerCase())
    for (const t of job.remove) had.remove.add(t.toLowerCase())
    before.set(identity(job), had)
  }
  const jobs: NewJob[] = []
  const nowAdded = new Map<string, Set<string>>()
  for (const job of judgement.jobs) {
    const had = before.get(identity(job))
    nowAdded.set(identity(job), new Set(job.add.map((t) => t.toLowerCase())))
    const add = job.add.filter((t) => !had?.add.has(t.toLowerCase()))
    const remove = job.remove.filter((t) => !had?.remove.has(t.toLowerCase()))
    if (add.length > 0 || remove.length > 0) jobs.push({ ...job, add, remove })
  }
  const noLongerAdded = [...before].flatMap(([key, had]) => {
    const tags = [...had.add].filter((t) => !nowAdded.get(key)?.has(t))
    return tags.length > 0 ? [{ location: had.job.location, contact: had.job.contact, tags }] : []
  })
  return {
    eventId: event.id,
    source: event.source,
    judgedBy: typeof explain.rulesVersion === 'string' ? explain.rulesVersion : null,
    rulesVersion: judgement.rulesVersion,
    dryRun,
    jobs,
    noLongerAdded,
    waiting: waitingJobs(event.jobs, judgement.jobs),
    replanned: [],
  }
}

/**
 * The create fields the rules in force give each of these jobs' contacts (jobs of one
 * event judged once): what a replay puts on a dead letter, so that a rule that gained
 * `create:` since creates the contact. A job whose event is gone, whose source is no
 * longer configured or that no rule now asks for is left out (replayed as it is).
 */
export async function replansFor(
  deps: Pick<RerunDeps, 'rules' | 'source' | 'store'>,
  jobs: Job[],
): Promise<JobReplan[]> {
  const byEvent = new Map<string, Job[]>()
  for (const j of jobs) byEvent.set(j.eventId, [...(byEvent.get(j.eventId) ?? []), j])
  const out: JobReplan[] = []
  for (const [eventId, list] of byEvent) {
    const event = await deps.store.trail.getEvent(eventId)
    if (!event) continue
    let plan: RerunPlan
    try {
      plan = planRerun(deps, event, true)
    } catch {
      continue // the source was removed from the config: nothing to judge it with
    }
    for (const j of list) {
      const create = currentCreate(j, plan.waiting)
      if (create !== undefined) out.push({ id: j.id, create })
    }
  }
  return out
}

/** Every event of `source` received in [since, until), oldest pages first as the trail lists them. */
export async function rerunEvents(
  deps: RerunDeps,
  filter: { source: string; since: number; until?: number },
  opts: { dryRun: boolean; by: string; replan?: boolean },
): Promise<RerunPlan[]> {
  const plans: RerunPlan[] = []
  let after: { receivedAt: number; id: string } | undefined
  for (;;) {
    const page = await deps.store.trail.listEvents({ ...filter, limit: 200, ...(after ? { after } : {}) })
    for (const e of page) plans.push(await rerunEvent(deps, e.id, opts))
    const last = page.at(-1)
    if (page.length < 200 || !last) return plans
    after = { receivedAt: last.receivedAt, id: last.id }
  }
}
