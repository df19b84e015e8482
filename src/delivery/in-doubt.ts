import type { LocationAuth } from '../highlevel/index.js'
import { fenceTag } from '../store/index.js'
import { budgeted } from './call.js'
import type { EngineContext } from './context.js'
import { isAbort } from './failure.js'
import type { TaskPool } from './pool.js'
import type { ContactWork } from './work.js'

/**
 * Contacts with a job in doubt (its last claim ended without an outcome: the process was
 * killed, or its lease ran out, between sending and recording) are read before anything
 * is written: a tag already on the contact is not added again, a tag already gone is not
 * removed again. Their net change shrinks to what HighLevel does not show yet.
 *
 * Why read rather than resend: the call may well have been applied before the answer was
 * lost, and a second add is not free for the user (HighLevel's "tag added" history and
 * the crash harness's duplicate writes count it; issue 24 allows 1 % of events). One GET
 * per such contact is spent only after a crash or a lost lease, never in a crash-free
 * round, and it is a read, so the last word is unchanged: the tags the fence let through
 * are still decided by this intent (the fence records them), only the no-op writes go.
 *
 * A read that fails (a deleted contact, a 5xx) changes nothing: the writes go as they
 * would have, and their own answer decides the job. A read cut short by shutdown marks
 * the contact cut, so its jobs return with the lease release.
 */
export async function readBeforeWrite(
  ctx: EngineContext,
  auth: LocationAuth,
  work: Iterable<ContactWork>,
  pool: TaskPool,
): Promise<void> {
  for (const w of work) {
    if (!w.jobs.some((j) => j.inDoubt) || (w.add.length === 0 && w.remove.length === 0)) continue
    pool.push(async () => {
      try {
        const contact = await budgeted(ctx, auth, () => ctx.client.getContact(auth, w.contactId), {
          name: 'get_contact',
          jobs: () => w.jobs,
        })
        const present = new Set((contact.tags ?? []).map(fenceTag))
        const already = [
          ...w.add.filter((t) => present.has(fenceTag(t))),
          ...w.remove.filter((t) => !present.has(fenceTag(t))),
        ]
        if (already.length === 0) return
        w.add = w.add.filter((t) => !present.has(fenceTag(t)))
        w.remove = w.remove.filter((t) => present.has(fenceTag(t)))
        w.alreadyApplied = already
        ctx.onAlreadyApplied?.(w.jobs[0]?.location ?? '', already.length)
        ctx.logger.info(
          { location: w.jobs[0]?.location, contactId: w.contactId, jobIds: w.jobs.map((j) => j.id), already },
          'a job in doubt found its tags already applied: not sent again',
        )
      } catch (err) {
        if (isAbort(err)) {
          w.cut = true
          return
        }
        ctx.logger.debug(
          { contactId: w.contactId, err: (err as Error).message },
          'reading a contact in doubt failed; its tags are sent as they are',
        )
      }
    })
  }
  await pool.run()
}
