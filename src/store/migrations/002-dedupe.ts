import { migration, t } from './migration.js'

export default migration(2, 'dedupe')`
      -- One row per remembered delivery id. The primary key is the dedupe check itself:
      -- accept() reads and inserts inside one write transaction, so two copies arriving
      -- together store one event. No foreign key to events: pruning old events must not
      -- depend on it, and a duplicate answer reads the first event if it is still there.
      CREATE TABLE dedupe (
        source     TEXT NOT NULL,
        key        TEXT NOT NULL,
        event_id   TEXT NOT NULL,
        expires_at ${t.int} NOT NULL,
        PRIMARY KEY (source, key)
      )${t.strictNoRowid};
      -- pruning expired keys
      CREATE INDEX dedupe_expires ON dedupe (expires_at);
`
