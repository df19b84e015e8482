import type { AppliedTag, Job } from '../store/index.js'
import { isAuthFailureCode } from './auth-health.js'
import { retryDelay } from './backoff.js'
import { HOUR_MS, type EngineContext } from './context.js'
import { CIRCUIT_OPEN, type Failure } from './failure.js'
import { CONTACT_NOT_FOUND } from './resolve-batch.js'
import type { Superseded } from './fence.js'

/** The outcome of one contact's jobs in a round (or of jobs that never got a contact). */
export interface ContactResult {
  jobs: Job[]
  contactId: string | null
  failure?: Failure
  response?: unknown
  /** the tags sent for the contact, with the intent that decided each (the fence) */
  applied?: AppliedTag[]
  /** tags a later event had decided: dropped, not sent */
  superseded?: Superseded[]
}

/**
 * Records every job's attempt. A failure retries after full-jitter backoff (Retry-After
 * as a floor) until the job has used its attempts or its age; then, or at once for a
 * permanent failure, it becomes a dead letter with HighLevel's answer in the attempt.
 */
export async function finishJobs(
  ctx: EngineContext,
  results: ContactResult[],
  startedAt: number,
  locationId?: string,
): Promise<void> {
  const finishedAt = ctx.now()
  // one snapshot for the round: its calls went out together under one budget
  const rateLimit = locationId === undefined ? null : (ctx.rateLimitOf?.(locationId) ?? null)
  const done = results
    .filter((r) => !r.failure)
    .flatMap(({ jobs, contactId, response }) =>
      jobs.map((job) => ({
        job,
        id: job.id,
        attempt: { startedAt, finishedAt, outcome: 'done' as const, statusCode: 200, contactId, response, rateLimit },
      })),
    )
  // One transaction for the round's successes and the fence they move: one commit, and no
  // crash can leave a tag applied as done without its fence (or the reverse)
  const ok = results.filter((r) => !r.failure)
  await ctx.store.jobs.complete(
    ctx.owner,
    done,
    ok.flatMap((r) => r.applied ?? []),
  )
  for (const { jobs, superseded } of ok) {
    if (!superseded?.length) continue
    ctx.onSuperseded?.(jobs[0]?.location ?? '', superseded.length)
    ctx.logger.info(
      { location: jobs[0]?.location, jobIds: jobs.map((j) => j.id), superseded },
      'intents superseded by a later event: not sent',
    )
  }
  for (const { job, attempt } of done) {
    ctx.onAttempt?.(job.location, 'done')
    ctx.logger.info(
      {
        eventId: job.eventId,
        jobId: job.id,
        location: job.location,
        contactId: attempt.contactId,
        tags: job.add,
        untags: job.remove.length > 0 ? job.remove : undefined,
      },
      'tags applied',
    )
  }
  // calls an open circuit held back were never sent: the jobs go back without an attempt
  const held = results.filter((r) => r.failure?.code === CIRCUIT_OPEN).flatMap((r) => r.jobs.map((j) => j.id))
  if (held.length > 0) await ctx.store.jobs.defer(ctx.owner, held, finishedAt, finishedAt)
  for (const { jobs, contactId, failure } of results) {
    if (!failure || failure.code === CIRCUIT_OPEN) continue
    // one retry time for all of a contact's jobs: they stay together, so a person is
    // resolved as one next time too (apart, a lookup-only job would race the creating one)
    const at = finishedAt + retryDelay(Math.max(...jobs.map((j) => j.attempts)), ctx.backoff, failure.retryAfterMs)
    for (const job of jobs) {
      const log = ctx.logger.child({ eventId: job.eventId, jobId: job.id, location: job.location })
      const retryAt = retries(ctx, job, failure, finishedAt) ? at : null
      const error =
        retryAt === null && failure.code === CONTACT_NOT_FOUND && failure.retryable
          ? `${failure.error}, looked for since ${new Date(job.createdAt ?? finishedAt).toISOString()} (add create: to the rule to create it)`
          : failure.error
      await ctx.store.jobs.fail(
        job.id,
        ctx.owner,
        {
          startedAt,
          finishedAt,
          outcome: retryAt === null ? 'dead' : 'retry',
          statusCode: failure.statusCode,
          error: `${failure.code}: ${error}`,
          contactId,
          response: failure.response,
          rateLimit,
        },
        retryAt,
      )
      ctx.onAttempt?.(job.location, retryAt === null ? 'dead' : 'retry')
      if (locationId !== undefined && retryAt !== null && isAuthFailureCode(failure.code))
        ctx.authHealth.scheduled(locationId, retryAt)
      const fields = { code: failure.code, status: failure.statusCode, attempts: job.attempts + 1, err: failure.error }
      if (retryAt === null) log.warn(fields, 'delivery failed permanently; job moved to dead letters')
      else log.warn({ ...fields, retryInMs: retryAt - finishedAt }, 'delivery failed; will retry')
    }
  }
}

function retries(ctx: EngineContext, job: Job, failure: Failure, now: number): boolean {
  if (!failure.retryable) return false
  // >= rather than ===: a replayed job that had used its attempts gets its one try
  if (job.attempts + 1 >= ctx.retryMaxAttempts) return false
  if (job.createdAt !== undefined && now - job.createdAt >= ctx.retryMaxAgeHours * HOUR_MS) return false
  return !(
    failure.code === CONTACT_NOT_FOUND && now - (job.createdAt ?? now) >= ctx.contactNotFoundRetryHours * HOUR_MS
  )
}
