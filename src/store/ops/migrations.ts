/**
 * Migrations 30-31 (refused requests, the alert outbox), one list per store; spread into
 * each store's list. The same version is the same change on both.
 */
const refusedColumns = (blob: string, int: string): string => `
        id             TEXT PRIMARY KEY,
        source         TEXT NOT NULL,
        received_at    ${int} NOT NULL,
        code           TEXT NOT NULL,
        method         TEXT NOT NULL,
        url            TEXT NOT NULL,
        headers        TEXT NOT NULL,
        query          TEXT NOT NULL,
        body           ${blob} NOT NULL,
        bytes          ${int} NOT NULL,
        contacts       TEXT NOT NULL,
        status         TEXT NOT NULL DEFAULT 'refused',
        reverified_at  ${int},
        reverify_code  TEXT`

const refusedIndexes = `
      -- per-source trimming and the list filtered by source, newest first (ids are UUIDv7)
      CREATE INDEX refused_requests_source ON refused_requests (source, id);
      CREATE INDEX refused_requests_received_at ON refused_requests (received_at);`

const alertColumns = (serial: string, int: string): string => `
        id          ${serial},
        destination TEXT NOT NULL,
        kind        TEXT NOT NULL,
        subject     TEXT NOT NULL,
        state       TEXT NOT NULL,
        payload     TEXT NOT NULL,
        created_at  ${int} NOT NULL,
        status      TEXT NOT NULL DEFAULT 'pending',
        attempts    ${int} NOT NULL DEFAULT 0,
        next_at     ${int} NOT NULL,
        lease_owner TEXT,
        lease_until ${int},
        last_error  TEXT,
        sent_at     ${int}`

const alertIndexes = `
      CREATE INDEX alert_outbox_due ON alert_outbox (status, next_at);`

/** 32-34: the same on both stores but for the integer type of a time. */
const laterOps = (int: string) => [
  {
    version: 32,
    name: 'jobs_dead_since',
    sql: `
      -- dead letters by the time they died (the alert digest reads the new ones)
      CREATE INDEX jobs_dead_since ON jobs (updated_at) WHERE status = 'dead';
    `,
  },
  {
    version: 33,
    name: 'job_trace_parent',
    sql: `
      -- the W3C traceparent of the webhook span that made the job (NULL without tracing),
      -- so its HighLevel calls join the webhook's trace, after a restart too
      ALTER TABLE jobs ADD COLUMN trace_parent TEXT;
    `,
  },
  {
    version: 34,
    name: 'alert_leader',
    sql: `
      -- one row: which process checks the alert triggers, until when (a lease)
      CREATE TABLE alert_leader (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        owner TEXT NOT NULL,
        until ${int} NOT NULL
      );
      INSERT INTO alert_leader (id, owner, until) VALUES (1, '', 0);
    `,
  },
]

export const sqliteOpsMigrations = [
  {
    version: 30,
    name: 'refused_requests',
    sql: `
      -- Requests refused for a bad or missing signature or token, kept (bounded per source)
      -- for a second look; credential values only as hashes. Body kept as received.
      CREATE TABLE refused_requests (${refusedColumns('BLOB', 'INTEGER')}
      ) STRICT;${refusedIndexes}
    `,
  },
  {
    version: 31,
    name: 'alert_outbox',
    sql: `
      -- Alerts waiting for (or taken by) their destination: durable, retried, leased.
      CREATE TABLE alert_outbox (${alertColumns('INTEGER PRIMARY KEY AUTOINCREMENT', 'INTEGER')}
      ) STRICT;${alertIndexes}
    `,
  },
  ...laterOps('INTEGER'),
]

export const postgresOpsMigrations = [
  {
    version: 30,
    name: 'refused_requests',
    sql: `
      CREATE TABLE refused_requests (${refusedColumns('BYTEA', 'BIGINT')}
      );${refusedIndexes}
    `,
  },
  {
    version: 31,
    name: 'alert_outbox',
    sql: `
      CREATE TABLE alert_outbox (${alertColumns('BIGSERIAL PRIMARY KEY', 'BIGINT')}
      );${alertIndexes}
    `,
  },
  ...laterOps('BIGINT'),
]
