/**
 * Migrations 40-42, what the console and its event filters read. The SQL is the same on
 * SQLite and PostgreSQL (TEXT columns, partial indexes), so both stores take these rows.
 */
export const consoleMigrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 40,
    name: 'jobs_contact_indexes',
    sql: `
      -- The console and GET /admin/events?contact= find a person's events among millions
      -- from the jobs (by contact id, HighLevel's id, email in any case, phone).
      CREATE INDEX jobs_contact_id ON jobs (contact_id) WHERE contact_id IS NOT NULL;
      CREATE INDEX jobs_resolved_contact_id ON jobs (resolved_contact_id) WHERE resolved_contact_id IS NOT NULL;
      CREATE INDEX jobs_contact_email ON jobs (lower(contact_email)) WHERE contact_email IS NOT NULL;
      CREATE INDEX jobs_contact_phone ON jobs (contact_phone) WHERE contact_phone IS NOT NULL;
    `,
  },
  {
    version: 41,
    name: 'event_contact',
    sql: `
      -- Who an event is about, read by the source's rules even when none matched: an
      -- event nobody was tagged for has no job, and "why was she not tagged" starts by
      -- finding it by her email.
      ALTER TABLE events ADD COLUMN contact_id TEXT;
      ALTER TABLE events ADD COLUMN contact_email TEXT;
      ALTER TABLE events ADD COLUMN contact_phone TEXT;
      CREATE INDEX events_contact_id ON events (contact_id) WHERE contact_id IS NOT NULL;
      CREATE INDEX events_contact_email ON events (contact_email) WHERE contact_email IS NOT NULL;
      CREATE INDEX events_contact_phone ON events (contact_phone) WHERE contact_phone IS NOT NULL;
    `,
  },
  {
    version: 42,
    name: 'attempt_rate_limit',
    sql: `
      -- HighLevel's rate-limit headers beside each attempt (JSON), for the console's timeline.
      ALTER TABLE attempts ADD COLUMN rate_limit TEXT;
    `,
  },
]
