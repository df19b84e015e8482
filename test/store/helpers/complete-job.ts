import type { AttemptRecord, JobQueue } from '../../../src/store/index.js'

/**
 * One job done, as a round's `jobs.complete` does it for many: true if `owner` still held
 * its lease. Tests use it to finish a single job; the engine always completes in batches.
 */
export async function completeJob(
  store: { jobs: Pick<JobQueue, 'complete'> },
  id: number,
  owner: string,
  attempt: AttemptRecord,
): Promise<boolean> {
  return (await store.jobs.complete(owner, [{ id, attempt }])) === 1
}
