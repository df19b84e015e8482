import { consoleMigrations } from '../console-migrations.js'
import { securityMigrations } from '../security.js'
import { accessMigrations } from '../access.js'
import { authFailureMigrations } from '../auth-failures.js'
import { sqliteRefusedMigrations } from '../refused-migrations.js'
import { inDoubtMigration, orderMigrations, sqliteOwnerMigration } from '../order-migrations.js'
import { sqliteOpsMigrations } from '../ops/migrations.js'
/**
 * Numbered schema migrations for the SQLite store, applied in order by `migrate()`.
 *
 * Why SQL lives in TypeScript strings rather than `.sql` files: `tsc` to `dist/` then
 * carries the schema with the code, so the container needs no asset-copying step and a
 * build can never ship code that disagrees with its schema.
 *
 * Rules for adding a migration (they keep old databases upgradeable):
 * - append only; never edit or renumber a migration that has shipped;
 * - `version` is a new, higher integer (gaps are allowed: `migrate()` applies every version
 *   not yet recorded), `name` a short snake_case description; a migration must not rely
 *   on another one of the same release having run first;
 * - each runs inside its own transaction, so no `PRAGMA` that is a no-op in a transaction
 *   (`foreign_keys`, `journal_mode`) and no `VACUUM`.
 *
 * Why `STRICT` tables: SQLite otherwise stores whatever it is given; STRICT makes a
 * fractional timestamp or a number in a JSON column fail loudly at the insert that
 * caused it rather than confuse a reader months later.
 */
/**
 * A job keeps the identity it was given (contact_id: only an id from the payload) apart
 * from the id delivery resolved its email/phone to, so that a stale resolved id can be
 * looked up again. Rules give either an id or an email/phone, never both: a row with
 * both held a resolved id, which moves. Shared by both stores (the SQL is portable).
 */
export const RESOLVED_CONTACT_SQL = `
      ALTER TABLE jobs ADD COLUMN resolved_contact_id TEXT;
      UPDATE jobs SET resolved_contact_id = contact_id, contact_id = NULL
      WHERE contact_id IS NOT NULL AND (contact_email IS NOT NULL OR contact_phone IS NOT NULL);
`

import { locationsMigrationSql } from '../directory.js'

export interface Migration {
  version: number
  name: string
  sql: string
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'init',
    sql: `
      -- One row per accepted webhook delivery. JSON columns hold the request as stored
      -- (secrets already removed) and the rules' trace, for "why is this tag missing".
      CREATE TABLE events (
        id          TEXT PRIMARY KEY,
        source      TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        headers     TEXT NOT NULL,
        body        TEXT NOT NULL,
        tags        TEXT NOT NULL,
        "explain"   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX events_received_at ON events (received_at);

      -- One row per tagging intent. AUTOINCREMENT so ids are never reused after old
      -- events are pruned: job ids appear in logs and attempt trails.
      -- contact_id holds the id the rule gave, or the one the worker resolved.
      CREATE TABLE jobs (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id      TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        location      TEXT NOT NULL,
        contact_id    TEXT,
        contact_email TEXT,
        add_tags      TEXT NOT NULL,
        remove_tags   TEXT NOT NULL,
        rules         TEXT NOT NULL,
        status        TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'done', 'dead')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT,
        run_at        INTEGER NOT NULL,
        lease_owner   TEXT,
        lease_until   INTEGER,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      ) STRICT;
      -- Serves the claim query: equality on status, range on run_at, then id order.
      CREATE INDEX jobs_claim ON jobs (status, run_at, id);
      CREATE INDEX jobs_event ON jobs (event_id);
      -- releaseLeases(owner) on shutdown; partial, as most jobs hold no lease.
      CREATE INDEX jobs_lease_owner ON jobs (lease_owner) WHERE lease_owner IS NOT NULL;

      -- One row per delivery attempt: the audit trail behind a dead letter.
      CREATE TABLE attempts (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id      INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        attempt     INTEGER NOT NULL,
        started_at  INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        outcome     TEXT NOT NULL CHECK (outcome IN ('done', 'retry', 'dead')),
        status_code INTEGER,
        error       TEXT,
        contact_id  TEXT,
        response    TEXT
      ) STRICT;
      CREATE UNIQUE INDEX attempts_job ON attempts (job_id, attempt);
    `,
  },
  {
    version: 2,
    name: 'dedupe',
    sql: `
      -- One row per remembered delivery id. The primary key is the dedupe check itself:
      -- accept() reads and inserts inside one write transaction, so two copies arriving
      -- together store one event. No foreign key to events: pruning old events must not
      -- depend on it, and a duplicate answer reads the first event if it is still there.
      CREATE TABLE dedupe (
        source     TEXT NOT NULL,
        key        TEXT NOT NULL,
        event_id   TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (source, key)
      ) STRICT, WITHOUT ROWID;
      -- pruning expired keys
      CREATE INDEX dedupe_expires ON dedupe (expires_at);
    `,
  },
  {
    version: 3,
    name: 'oauth_tokens',
    sql: `
      -- The current OAuth token pair per HighLevel location. HighLevel's refresh tokens
      -- are single-use: the row is written before a new access token is used, so a
      -- restart continues from the newest refresh token, never the one in the config.
      -- client_id and seed_hash (SHA-256 of the configured refresh token) tell whether the
      -- row still belongs to the configured app and grant: a new grant in the config wins.
      CREATE TABLE oauth_tokens (
        location      TEXT PRIMARY KEY,
        client_id     TEXT NOT NULL,
        seed_hash     TEXT NOT NULL,
        access_token  TEXT NOT NULL,
        refresh_token TEXT NOT NULL,
        expires_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: 'job_contact_phone_and_create',
    sql: `
      -- A contact may be looked up by phone (E.164) as well as by email, and a rule may
      -- give fields to create a missing contact with (JSON object, NULL when none).
      ALTER TABLE jobs ADD COLUMN contact_phone TEXT;
      ALTER TABLE jobs ADD COLUMN create_fields TEXT;
    `,
  },
  {
    version: 5,
    name: 'delivery_engine',
    sql: `
      -- email/phone -> HighLevel contact id, per location, so that a contact is looked up
      -- once per TTL rather than once per event. key is 'email:<address>' or 'phone:<E.164>'.
      CREATE TABLE contact_cache (
        location   TEXT NOT NULL,
        key        TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (location, key)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX contact_cache_expires ON contact_cache (expires_at);
      -- the delivery engine claims per location (one lane each)
      CREATE INDEX jobs_location_claim ON jobs (location, status, run_at, id);
    `,
  },
  // 6 and 8 are PostgreSQL-only (the rate budget shared by replicas): one process's
  // SQLite store keeps its budget in memory. Versions name the same change on both stores.
  {
    version: 7,
    name: 'events_by_source',
    sql: `
      -- The admin event list filtered by source, newest first (keyset on received_at, id).
      CREATE INDEX events_source_received_at ON events (source, received_at);
    `,
  },
  {
    version: 9,
    name: 'rule_sets',
    sql: `
      -- Every rule set that judged an event, by its version (the hash of its text). An
      -- event stores only its rules version and the rules that matched; its full explain
      -- trace is recomputed from the stored request and the rule set, when asked for.
      CREATE TABLE rule_sets (
        version    TEXT PRIMARY KEY,
        definition TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 10,
    name: 'job_resolved_contact',
    sql: RESOLVED_CONTACT_SQL,
  },
  {
    version: 11,
    name: 'event_reruns',
    sql: `
      -- Every re-run of a stored event with later rules: who, when, which rules version,
      -- and what it changed (JSON). Its jobs are ordinary jobs of the event.
      CREATE TABLE event_reruns (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id      TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        at            INTEGER NOT NULL,
        requested_by  TEXT NOT NULL,
        rules_version TEXT NOT NULL,
        changes       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX event_reruns_event ON event_reruns (event_id);
    `,
  },
  { version: 20, name: 'locations', sql: locationsMigrationSql('INTEGER', 'INTEGER') },
  // 30-39: operations (refused requests, alerts), in ../ops/migrations.ts
  ...sqliteOpsMigrations,
  // 40-42: what the console reads (contacts of events and jobs, rate limits), in ../console-migrations.ts
  ...consoleMigrations,
  // 50-52: the last word across crashes (tag fence, accept sequence, the file's delivering owner, jobs in doubt)
  ...orderMigrations('INTEGER'),
  sqliteOwnerMigration,
  inDoubtMigration,
  // 60-64: refused requests off the hot path (issue 29), in ../refused-migrations.ts
  ...sqliteRefusedMigrations,
  // 65-66: console sessions and used one-time values, in ../security.ts
  ...securityMigrations('INTEGER'),
  // 70: failing credentials per location (issue 27), in ../auth-failures.ts
  ...authFailureMigrations('INTEGER'),
  // 80-81: session scopes and portal links (issue 28)
  ...accessMigrations('INTEGER'),
]

/** The newest schema version this build knows. */
export const latestVersion: number = Math.max(0, ...migrations.map((m) => m.version))
