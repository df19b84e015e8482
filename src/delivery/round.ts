import type { LocationAuth } from '../highlevel/index.js'
import type { Job } from '../store/index.js'
import { budgeted } from './call.js'
import { coalesce } from './coalesce.js'
import type { EngineContext, LaneTarget } from './context.js'
import { finishJobs, type ContactResult } from './finish.js'
import { failureFrom, isAbort, isBulkRefusal, permanentFailure, type Failure } from './failure.js'
import { planCalls, type PlannedCall } from './plan.js'
import { TaskPool } from './pool.js'
import { cacheKeys, resolveGroups, type RefGroup } from './resolve-batch.js'

interface ContactWork {
  contactId: string
  jobs: Job[]
  add: string[]
  remove: string[]
  cachedKeys: string[]
  created: boolean
  failure?: Failure
  via: Set<'bulk' | 'single'>
  /** a call for this contact was cut short by shutdown: leave its jobs to the lease release */
  cut: boolean
}

/**
 * Delivers one claimed batch of one location with as few calls as the batch allows:
 * contacts resolved once per email/phone, every intent of a contact folded into one net
 * change, contacts awaiting the same tags grouped into bulk calls. Each job then ends
 * done, pending with a retry time, or dead, with the attempt recorded; jobs whose call
 * was cut short by a shutdown are left to the lease release.
 */
export async function deliverRound(ctx: EngineContext, target: LaneTarget, jobs: Job[]): Promise<void> {
  const startedAt = ctx.now()
  const { auth } = target
  if (!auth) {
    const failure = (job: Job) =>
      permanentFailure('TAGRELAY_UNKNOWN_LOCATION', `location "${job.location}" is not configured any more`)
    await finishJobs(
      ctx,
      jobs.map((job) => ({ jobs: [job], failure: failure(job), contactId: null })),
      startedAt,
    )
    return
  }
  const results: ContactResult[] = []
  const work = new Map<string, ContactWork>()
  const groups = new Map<string, RefGroup>()
  const addWork = (contactId: string, groupJobs: Job[], cachedKeys: string[], created: boolean): void => {
    const w = work.get(contactId) ?? {
      contactId,
      jobs: [],
      add: [],
      remove: [],
      cachedKeys: [],
      created: false,
      via: new Set(),
      cut: false,
    }
    w.jobs.push(...groupJobs)
    w.cachedKeys.push(...cachedKeys)
    w.created ||= created
    work.set(contactId, w)
  }
  for (const job of jobs) {
    const id = job.contactId ?? job.contact.id
    if (id) {
      addWork(id, [job], [], false)
      continue
    }
    const keys = cacheKeys(job)
    if (keys.length === 0) {
      results.push({
        jobs: [job],
        contactId: null,
        failure: permanentFailure(
          'TAGRELAY_CONTACT_NOT_FOUND',
          'the job names neither a contact id, an email nor a phone',
        ),
      })
      continue
    }
    const key = keys.join('|')
    const group = groups.get(key) ?? { keys, jobs: [], cachedKeys: [] }
    group.jobs.push(job)
    groups.set(key, group)
  }

  const pool = new TaskPool(ctx.inFlightPerLocation)
  await resolveGroups(ctx, auth, target.name, [...groups.values()], pool)
  for (const group of groups.values()) {
    if (group.contactId !== undefined) addWork(group.contactId, group.jobs, group.cachedKeys, group.created ?? false)
    else if (group.failure) results.push({ jobs: group.jobs, contactId: null, failure: group.failure })
    // else: cut short by shutdown; the lease release returns these jobs
  }

  for (const w of work.values()) Object.assign(w, coalesce([...w.jobs].sort((a, b) => a.id - b.id)))
  const bulk = !ctx.bulkRefused.has(auth.locationId)
  for (const action of ['add', 'remove'] as const) {
    const wants = new Map([...work.values()].map((w) => [w.contactId, w[action]]))
    for (const call of planCalls(action, wants, ctx.bulkSize, bulk))
      pool.push(() => runCall(ctx, auth, call, work, pool))
  }
  await pool.run()

  const stale: string[] = []
  for (const w of work.values()) {
    if (w.cut && w.failure === undefined) continue
    if (w.failure && !w.failure.retryable) stale.push(...w.cachedKeys)
    results.push({
      jobs: w.jobs,
      contactId: w.contactId,
      failure: w.failure,
      response: {
        contactId: w.contactId,
        added: w.add,
        removed: w.remove,
        via: [...w.via],
        coalesced: w.jobs.length,
        ...(w.created ? { created: true } : {}),
      },
    })
  }
  if (stale.length > 0) await ctx.store.forgetContacts(target.name, stale)
  await finishJobs(ctx, results, startedAt)
}

async function runCall(
  ctx: EngineContext,
  auth: LocationAuth,
  call: PlannedCall,
  work: Map<string, ContactWork>,
  pool: TaskPool,
): Promise<void> {
  const contacts = call.contactIds.map((id) => work.get(id) as ContactWork)
  try {
    if (call.contactIds.length === 1) {
      const c = contacts[0] as ContactWork
      await budgeted(ctx, auth, () =>
        call.action === 'add'
          ? ctx.client.addTags(auth, c.contactId, call.tags)
          : ctx.client.removeTags(auth, c.contactId, call.tags),
      )
      c.via.add('single')
      return
    }
    const answer = await budgeted(ctx, auth, () => ctx.client.bulkTags(auth, call.action, call.contactIds, call.tags))
    const failed = new Set([
      ...answer.missing,
      ...answer.results.filter((r) => !r.ok && r.contactId !== null).map((r) => r.contactId as string),
    ])
    for (const c of contacts) {
      if (failed.has(c.contactId))
        pool.push(() => runCall(ctx, auth, { ...call, contactIds: [c.contactId] }, work, pool))
      else c.via.add('bulk')
    }
  } catch (err) {
    if (isAbort(err)) {
      for (const c of contacts) c.cut = true
      return
    }
    if (call.contactIds.length > 1 && isBulkRefusal(err)) {
      if (!ctx.bulkRefused.has(auth.locationId))
        ctx.logger.warn(
          { locationId: auth.locationId, status: (err as { status?: unknown }).status },
          'bulk tag endpoint refused; this location uses single calls from now on',
        )
      ctx.bulkRefused.add(auth.locationId)
      for (const c of contacts) pool.push(() => runCall(ctx, auth, { ...call, contactIds: [c.contactId] }, work, pool))
      return
    }
    const failure = failureFrom(err)
    for (const c of contacts) c.failure ??= failure
  }
}
