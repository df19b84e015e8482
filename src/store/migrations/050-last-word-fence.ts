import { migration, t } from './migration.js'

/**
 * 50: The last word across crashes (issue 24): the accept order of a job's intents and
 * the tag fence.
 *
 * Why a fence table and not a "newest intent" column on the job: the fact to keep is
 * about a tag on a contact, not about a job. An older intent can arrive from any delayed
 * path (a lease that ran out, a not-found retry, a 429/5xx backoff, a replayed dead
 * letter, a re-run, another replica), long after the job that decided the tag is done
 * and maybe pruned; one row per (location, contact, tag) holding the accept sequence of
 * the last intent applied is what every one of those paths can be checked against.
 */
export default migration(50, 'last_word_fence')`
      -- The accept order of a job's intents. NULL: the job's own id (every accepted job). A
      -- re-run's jobs carry their event's first job's sequence, so a re-run of an old event
      -- does not count as newer than what was accepted after it.
      ALTER TABLE jobs ADD COLUMN accept_seq ${t.int};
      -- Per location, contact and tag (lowercased, as HighLevel compares tags): the accept
      -- sequence and event of the last intent applied. An older intent is dropped, not sent.
      CREATE TABLE tag_fence (
        location   TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        tag        TEXT NOT NULL,
        seq        ${t.int} NOT NULL,
        event_id   TEXT NOT NULL,
        updated_at ${t.int} NOT NULL,
        PRIMARY KEY (location, contact_id, tag)
      );
`
