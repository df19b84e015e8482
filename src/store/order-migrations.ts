/**
 * Migrations 50-52, the last word across crashes (issue 24). 50 and 52 are the same change
 * on both stores (only a time's integer type differs); 51 exists only on SQLite.
 *
 * Why a fence table and not a "newest intent" column on the job: the fact to keep is
 * about a tag on a contact, not about a job. An older intent can arrive from any delayed
 * path (a lease that ran out, a not-found retry, a 429/5xx backoff, a replayed dead
 * letter, a re-run, another replica), long after the job that decided the tag is done
 * and maybe pruned; one row per (location, contact, tag) holding the accept sequence of
 * the last intent applied is what every one of those paths can be checked against.
 */
export function orderMigrations(int: string): { version: number; name: string; sql: string }[] {
  return [
    {
      version: 50,
      name: 'last_word_fence',
      sql: `
      -- The accept order of a job's intents. NULL: the job's own id (every accepted job). A
      -- re-run's jobs carry their event's first job's sequence, so a re-run of an old event
      -- does not count as newer than what was accepted after it.
      ALTER TABLE jobs ADD COLUMN accept_seq ${int};
      -- Per location, contact and tag (lowercased, as HighLevel compares tags): the accept
      -- sequence and event of the last intent applied. An older intent is dropped, not sent.
      CREATE TABLE tag_fence (
        location   TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        tag        TEXT NOT NULL,
        seq        ${int} NOT NULL,
        event_id   TEXT NOT NULL,
        updated_at ${int} NOT NULL,
        PRIMARY KEY (location, contact_id, tag)
      );
    `,
    },
  ]
}

/**
 * 51, SQLite only: the process that owns the file's deliveries. A SQLite file has one
 * delivering process; when a new one starts, any lease another owner holds belongs to a
 * dead predecessor, and waiting `leaseMs` for it to run out only delays delivery.
 */
export const sqliteOwnerMigration = {
  version: 51,
  name: 'delivery_owner',
  sql: `
      CREATE TABLE delivery_owner (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        owner      TEXT NOT NULL,
        epoch      INTEGER NOT NULL,
        started_at INTEGER NOT NULL
      ) STRICT;
    `,
}

/**
 * 52, both stores: a job whose last claim ended without an outcome (its owner was killed
 * or lost the lease) is in doubt: HighLevel may have applied its calls already. Its next
 * round reads the contact before writing and sends only what is not there yet
 * (delivery/in-doubt.ts), so a crash costs a read, not a second tag write. Cleared when
 * an attempt is recorded.
 */
export const inDoubtMigration = {
  version: 52,
  name: 'jobs_in_doubt',
  sql: `
      ALTER TABLE jobs ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0;
    `,
}
