import { migration, t } from './migration.js'

export default migration(1, 'init')`
      -- One row per accepted webhook delivery. JSON columns hold the request as stored
      -- (secrets already removed) and the rules' trace, for "why is this tag missing".
      CREATE TABLE events (
        id          TEXT PRIMARY KEY,
        source      TEXT NOT NULL,
        received_at ${t.int} NOT NULL,
        headers     TEXT NOT NULL,
        body        TEXT NOT NULL,
        tags        TEXT NOT NULL,
        "explain"   TEXT NOT NULL
      )${t.strict};
      CREATE INDEX events_received_at ON events (received_at);

      -- One row per tagging intent. Ids are never reused after old events are pruned
      -- (AUTOINCREMENT, BIGSERIAL): job ids appear in logs and attempt trails.
      -- contact_id holds the id the rule gave, or the one the worker resolved.
      CREATE TABLE jobs (
        id            ${t.serial},
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
        run_at        ${t.int} NOT NULL,
        lease_owner   TEXT,
        lease_until   ${t.int},
        created_at    ${t.int} NOT NULL,
        updated_at    ${t.int} NOT NULL
      )${t.strict};
      -- Serves the claim query: equality on status, range on run_at, then id order.
      CREATE INDEX jobs_claim ON jobs (status, run_at, id);
      CREATE INDEX jobs_event ON jobs (event_id);
      -- releaseLeases(owner) on shutdown; partial, as most jobs hold no lease.
      CREATE INDEX jobs_lease_owner ON jobs (lease_owner) WHERE lease_owner IS NOT NULL;

      -- One row per delivery attempt: the audit trail behind a dead letter.
      CREATE TABLE attempts (
        id          ${t.serial},
        job_id      ${t.int} NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        attempt     INTEGER NOT NULL,
        started_at  ${t.int} NOT NULL,
        finished_at ${t.int} NOT NULL,
        outcome     TEXT NOT NULL CHECK (outcome IN ('done', 'retry', 'dead')),
        status_code INTEGER,
        error       TEXT,
        contact_id  TEXT,
        response    TEXT
      )${t.strict};
      CREATE UNIQUE INDEX attempts_job ON attempts (job_id, attempt);
`
