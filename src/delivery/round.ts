import { codes } from '../errors.js'
import type { LocationAuth } from '../highlevel/index.js'
import type { Job } from '../store/index.js'
import { applyTags } from './apply.js'
import { newWork, type ContactWork } from './work.js'
import type { EngineContext, LaneTarget } from './context.js'
import { finishJobs, type ContactResult } from './finish.js'
import { isStaleContact, permanentFailure } from './failure.js'
import { groupPersons } from './identity.js'
import { TaskPool } from './pool.js'
import { CONTACT_NOT_FOUND, resolvePersons } from './resolve-batch.js'
import { resolveSpan, roundSpan } from './trace.js'

/**
 * Delivers one claimed batch of one location with as few calls as the batch allows:
 * each person (jobs whose emails/phones overlap) resolved once, every intent of a
 * contact folded into one net change, contacts awaiting the same tags grouped into bulk
 * calls. Each job then ends done, pending with a retry time, or dead, with the attempt
 * recorded; jobs whose call was cut short by a shutdown are left to the lease release.
 *
 * Why a second pass: when HighLevel refuses an id that came from the cache or a lookup
 * (the contact was deleted or merged there), the id was ours, not the job's. The cache
 * entry goes and the jobs resolve again from the identity they were given, in the same
 * round, so the stale id costs them no attempt. An id the payload gave is not ours to
 * replace: it fails with HighLevel's answer.
 */
export function deliverRound(ctx: EngineContext, target: LaneTarget, jobs: Job[]): Promise<void> {
  return roundSpan(target.name, jobs, () => deliver(ctx, target, jobs))
}

async function deliver(ctx: EngineContext, target: LaneTarget, jobs: Job[]): Promise<void> {
  const startedAt = ctx.now()
  const { auth } = target
  if (!auth) {
    const failure = (job: Job) =>
      permanentFailure(codes.TAGRELAY_UNKNOWN_LOCATION, `location "${job.location}" is not configured any more`)
    await finishJobs(
      ctx,
      jobs.map((job) => ({ jobs: [job], failure: failure(job), contactId: null })),
      startedAt,
    )
    return
  }
  const results: ContactResult[] = []
  // contacts whose calls all succeeded are recorded done at once (see applyTags)
  const early = new Set<ContactWork>()
  const finishing: Promise<void>[] = []
  const finishEarly = (w: ContactWork): void => {
    early.add(w)
    finishing.push(finishJobs(ctx, [resultOf(w)], startedAt, auth.locationId))
  }
  let todo = jobs
  for (let pass = 0; todo.length > 0; pass++) {
    const work = await resolveWork(ctx, auth, target.name, todo, results, pass > 0)
    await applyTags(ctx, auth, target.name, work, new TaskPool(ctx.inFlightPerLocation), finishEarly)
    todo = []
    const stale: string[] = []
    for (const w of work.values()) {
      if (early.has(w) || (w.cut && w.failure === undefined)) continue
      if (w.failure && isStaleContact(w.failure)) {
        stale.push(...w.cachedKeys)
        const resolved = w.jobs.filter((j) => j.contact.id === undefined)
        if (pass === 0 && resolved.length > 0) {
          todo.push(...resolved)
          w.jobs = w.jobs.filter((j) => j.contact.id !== undefined)
          if (w.jobs.length === 0) continue
        } else if (resolved.length > 0) {
          // refused again right after a fresh lookup: try later, not dead
          w.failure = { ...w.failure, retryable: true }
        }
      } else if (w.failure && !w.failure.retryable) stale.push(...w.cachedKeys)
      results.push(resultOf(w))
    }
    if (stale.length > 0) await ctx.store.contacts.forget(target.name, stale)
    if (todo.length > 0)
      ctx.logger.info(
        { location: target.name, jobs: todo.map((j) => j.id) },
        'HighLevel refused a cached contact id; resolving again',
      )
  }
  await Promise.all(finishing)
  await finishJobs(ctx, results, startedAt, auth.locationId)
}

async function resolveWork(
  ctx: EngineContext,
  auth: LocationAuth,
  location: string,
  jobs: Job[],
  results: ContactResult[],
  fresh: boolean,
): Promise<Map<string, ContactWork>> {
  const work = new Map<string, ContactWork>()
  const workOf = (id: string): ContactWork => {
    const w = work.get(id) ?? newWork(id)
    work.set(id, w)
    return w
  }
  const byId: Job[] = []
  const lookups: Job[] = []
  for (const job of jobs) {
    if (job.contact.id !== undefined) byId.push(job)
    else if (job.contact.email || job.contact.phone) lookups.push(job)
    else
      results.push({
        jobs: [job],
        contactId: null,
        failure: permanentFailure(
          codes.TAGRELAY_CONTACT_NOT_FOUND,
          'the job names neither a contact id, an email nor a phone',
        ),
      })
  }
  const persons = groupPersons(lookups)
  await resolveSpan(location, persons.length, () =>
    resolvePersons(ctx, auth, location, persons, new TaskPool(ctx.inFlightPerLocation), fresh),
  )
  // A person that could not be resolved this time (HighLevel failed, or shutdown) holds
  // back the other jobs of its events: applied alone, a later intent could land before an
  // earlier one on the same contact, and the last word would no longer be the last rule's.
  const held = new Map<string, ContactResult | 'cut'>()
  for (const person of persons) {
    if (person.contactId !== undefined) continue
    const failure = person.failure
    const result: ContactResult | 'cut' = failure ? { jobs: person.jobs, contactId: null, failure } : 'cut'
    if (result !== 'cut') results.push(result)
    if (failure?.code === CONTACT_NOT_FOUND) continue
    for (const job of person.jobs) held.set(job.eventId, result)
  }
  const place = (job: Job, w: () => ContactWork): void => {
    const hold = held.get(job.eventId)
    if (hold === undefined) w().jobs.push(job)
    else if (hold !== 'cut' && !hold.jobs.includes(job)) hold.jobs.push(job)
    // else: cut short by shutdown; the lease release returns these jobs
  }
  for (const job of byId) place(job, () => workOf(job.contact.id as string))
  for (const person of persons) {
    if (person.contactId === undefined) continue
    const id = person.contactId
    for (const job of person.jobs) place(job, () => workOf(id))
    if (!work.has(id)) continue
    const w = workOf(id)
    w.cachedKeys.push(...person.cachedKeys)
    w.created ||= person.created ?? false
    w.conflict ??= person.conflict
  }
  return work
}

function resultOf(w: ContactWork): ContactResult {
  const location = w.jobs[0]?.location ?? ''
  return {
    jobs: w.jobs,
    contactId: w.contactId,
    failure: w.failure,
    applied: [...w.decided].map(([tag, by]) => ({ location, contactId: w.contactId, tag, ...by })),
    superseded: w.superseded,
    response: {
      contactId: w.contactId,
      added: w.add,
      removed: w.remove,
      via: [...w.via],
      coalesced: w.jobs.length,
      ...(w.created ? { created: true } : {}),
      ...(w.conflict ? { conflict: { ...w.conflict, winner: 'email' } } : {}),
      // "superseded by event X": tags a later event had decided, dropped, not sent
      ...(w.superseded.length > 0 ? { superseded: w.superseded } : {}),
      // a job in doubt: tags a read found already applied, not sent again
      ...(w.alreadyApplied ? { alreadyApplied: w.alreadyApplied } : {}),
    },
  }
}
