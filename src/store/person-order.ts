/**
 * The per-person order of the job queue, as SQL both stores run (`now`: the claim's
 * parameter for the time).
 *
 * Why at claim time: a person's jobs must not be in flight at once (two rounds, two
 * replicas: their calls reach HighLevel in any order), and a job that waits for a retry
 * (not found, 429, 5xx) must not be overtaken by a later one of the same person, or the
 * later event's word on a tag is undone when the retry lands. So a job `j` is claimable
 * only when no other pending job of its person holds a live lease, and no earlier-accepted
 * one waits for its retry time. A person is the location plus any identifier two jobs
 * share: the email (HighLevel compares it without case), the phone, or the contact id
 * (given by the payload or resolved by an earlier attempt).
 *
 * Why four `NOT EXISTS` rather than one with `OR`: each is one probe of an index that
 * already exists (migration 40: contact id, resolved id, lower(email), phone), so the
 * check costs a few lookups per candidate job; an `OR` of the four would scan the
 * location's jobs.
 *
 * The store's tag fence (tag_fence) stays the backstop for what ordering cannot see: a
 * job cut off by a claim's LIMIT, a replayed dead letter, a re-run, a call applied by a
 * process that died before recording it.
 */
export function personHeldSql(now: string): string {
  const held = (match: string) => `NOT EXISTS (
          SELECT 1 FROM jobs e
          WHERE ${match} AND e.location = j.location AND e.status = 'pending' AND e.id <> j.id
            AND (e.lease_until > ${now}
                 OR (e.run_at > ${now} AND coalesce(e.accept_seq, e.id) < coalesce(j.accept_seq, j.id))))`
  return [
    held('e.contact_email IS NOT NULL AND lower(e.contact_email) = lower(j.contact_email)'),
    held('e.contact_phone IS NOT NULL AND e.contact_phone = j.contact_phone'),
    held('e.contact_id IS NOT NULL AND e.contact_id = coalesce(j.resolved_contact_id, j.contact_id)'),
    held('e.resolved_contact_id IS NOT NULL AND e.resolved_contact_id = coalesce(j.resolved_contact_id, j.contact_id)'),
  ].join('\n        AND ')
}

/** The fence's key for a tag: HighLevel stores tags lowercased and compares them so. */
export const fenceTag = (tag: string): string => tag.toLowerCase()

/**
 * The claim's SET clause for `in_doubt` (migrations/052-jobs-in-doubt.ts): a job whose lease is
 * still named is claimed over a lease that ran out, so its last claim ended without an
 * outcome. (An UPDATE's right-hand side reads the row as it was before the update.)
 */
export const IN_DOUBT_ON_CLAIM = 'in_doubt = CASE WHEN lease_owner IS NOT NULL THEN 1 ELSE in_doubt END'
