/**
 * Numbered schema migrations for the PostgreSQL store, applied in order by `migrate()`.
 *
 * Why the numbers mirror the SQLite store's: a version names one schema change on both
 * stores, so "database at version 4" means the same tables whichever store it is. A
 * version that only one store needs is simply absent from the other's list (gaps are
 * allowed: every unrecorded version is applied). The same rules hold as for SQLite:
 * append only, never edit a shipped migration, none relies on another of its release.
 *
 * Why BIGINT epoch milliseconds and JSON as TEXT rather than timestamptz and jsonb: the
 * contract speaks epoch ms everywhere, and the JSON columns are written once and read
 * whole, never queried by content. jsonb would reorder keys and refuse `\u0000`, so the
 * stored request would no longer be the one that came in.
 */
import { securityMigrations } from '../security.js'
import { accessMigrations } from '../access.js'
import { authFailureMigrations } from '../auth-failures.js'
import { RESOLVED_CONTACT_SQL } from '../sqlite/migrations.js'
import { locationsMigrationSql } from '../directory.js'
import { consoleMigrations } from '../console-migrations.js'
import { postgresRefusedMigrations } from '../refused-migrations.js'
import { inDoubtMigration, orderMigrations } from '../order-migrations.js'
import { postgresOpsMigrations } from '../ops/migrations.js'

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
      CREATE TABLE events (
        id          TEXT PRIMARY KEY,
        source      TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        headers     TEXT NOT NULL,
        body        TEXT NOT NULL,
        tags        TEXT NOT NULL,
        "explain"   TEXT NOT NULL
      );
      CREATE INDEX events_received_at ON events (received_at);

      CREATE TABLE jobs (
        id            BIGSERIAL PRIMARY KEY,
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
        run_at        BIGINT NOT NULL,
        lease_owner   TEXT,
        lease_until   BIGINT,
        created_at    BIGINT NOT NULL,
        updated_at    BIGINT NOT NULL
      );
      CREATE INDEX jobs_claim ON jobs (status, run_at, id);
      CREATE INDEX jobs_event ON jobs (event_id);
      CREATE INDEX jobs_lease_owner ON jobs (lease_owner) WHERE lease_owner IS NOT NULL;

      CREATE TABLE attempts (
        id          BIGSERIAL PRIMARY KEY,
        job_id      BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        attempt     INTEGER NOT NULL,
        started_at  BIGINT NOT NULL,
        finished_at BIGINT NOT NULL,
        outcome     TEXT NOT NULL CHECK (outcome IN ('done', 'retry', 'dead')),
        status_code INTEGER,
        error       TEXT,
        contact_id  TEXT,
        response    TEXT
      );
      CREATE UNIQUE INDEX attempts_job ON attempts (job_id, attempt);
    `,
  },
  {
    version: 2,
    name: 'dedupe',
    sql: `
      CREATE TABLE dedupe (
        source     TEXT NOT NULL,
        key        TEXT NOT NULL,
        event_id   TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (source, key)
      );
      CREATE INDEX dedupe_expires ON dedupe (expires_at);
    `,
  },
  {
    version: 3,
    name: 'oauth_tokens',
    sql: `
      CREATE TABLE oauth_tokens (
        location      TEXT PRIMARY KEY,
        client_id     TEXT NOT NULL,
        seed_hash     TEXT NOT NULL,
        access_token  TEXT NOT NULL,
        refresh_token TEXT NOT NULL,
        expires_at    BIGINT NOT NULL,
        updated_at    BIGINT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'job_contact_phone_and_create',
    sql: `
      ALTER TABLE jobs ADD COLUMN contact_phone TEXT;
      ALTER TABLE jobs ADD COLUMN create_fields TEXT;
    `,
  },
  {
    version: 5,
    name: 'delivery_engine',
    sql: `
      -- email/phone -> HighLevel contact id, per location (see the SQLite migration 5)
      CREATE TABLE contact_cache (
        location   TEXT NOT NULL,
        key        TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (location, key)
      );
      CREATE INDEX contact_cache_expires ON contact_cache (expires_at);
      CREATE INDEX jobs_location_claim ON jobs (location, status, run_at, id);
    `,
  },
  {
    version: 6,
    name: 'rate_budget',
    sql: `
      -- The per-location request budget shared by every replica (PostgresRateWindowLog): a
      -- token bucket, refilled lazily by the statement that takes from it.
      CREATE TABLE rate_budget (
        location   TEXT PRIMARY KEY,
        tokens     DOUBLE PRECISION NOT NULL,
        updated_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'events_by_source',
    sql: `
      -- The admin event list filtered by source, newest first (keyset on received_at, id).
      CREATE INDEX events_source_received_at ON events (source, received_at);
    `,
  },
  {
    version: 8,
    name: 'rate_window',
    sql: `
      -- The shared rate budget becomes a sliding-window log (PostgresRateWindowLog explains
      -- why: the token bucket of migration 6 could put ~2x the limit into one of
      -- HighLevel's fixed windows). Its state is transient, so the old table just goes.
      DROP TABLE IF EXISTS rate_budget;
      -- sends: epoch ms of the location's last cap sends, oldest first (some may be
      -- reserved slots in the near future); paused_until: no send before it (0: none).
      CREATE TABLE rate_window (
        location      TEXT PRIMARY KEY,
        sends         BIGINT[] NOT NULL,
        paused_until  BIGINT NOT NULL DEFAULT 0,
        paused_reason TEXT,
        paused_by     TEXT
      );
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
        created_at BIGINT NOT NULL
      );
    `,
  },
  { version: 10, name: 'job_resolved_contact', sql: RESOLVED_CONTACT_SQL },
  {
    version: 11,
    name: 'event_reruns',
    sql: `
      -- Every re-run of a stored event with later rules (see the SQLite migration).
      CREATE TABLE event_reruns (
        id            BIGSERIAL PRIMARY KEY,
        event_id      TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        at            BIGINT NOT NULL,
        requested_by  TEXT NOT NULL,
        rules_version TEXT NOT NULL,
        changes       TEXT NOT NULL
      );
      CREATE INDEX event_reruns_event ON event_reruns (event_id);
    `,
  },
  { version: 20, name: 'locations', sql: locationsMigrationSql('BIGINT', 'BOOLEAN') },
  // 30-39: operations (refused requests, alerts), in ../ops/migrations.ts
  ...postgresOpsMigrations,
  // 40-42: the same SQL as SQLite's, in ../console-migrations.ts
  ...consoleMigrations,
  // 50 and 52: the same changes as SQLite's (51, the file's owner, is SQLite's alone), in ../order-migrations.ts
  ...orderMigrations('BIGINT'),
  inDoubtMigration,
  // 60-64: refused requests off the hot path (issue 29), in ../refused-migrations.ts
  ...postgresRefusedMigrations,
  // 65-66: console sessions and used one-time values, in ../security.ts
  ...securityMigrations('BIGINT'),
  // 70: failing credentials per location (issue 27), in ../auth-failures.ts
  ...authFailureMigrations('BIGINT'),
  // 80-81: session scopes and portal links (issue 28)
  ...accessMigrations('BIGINT'),
]

export const latestVersion: number = Math.max(0, ...migrations.map((m) => m.version))
