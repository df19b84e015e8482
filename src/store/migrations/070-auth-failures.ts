import { migration, t } from './migration.js'

export default migration(70, 'auth_failures')`
      -- Locations whose credentials are failing, one row per current run of failures:
      -- written when a run starts (not at every failure), deleted when a call succeeds,
      -- so the console's "failing since" survives a restart.
      CREATE TABLE auth_failures (
        location_id   TEXT PRIMARY KEY,
        failing_since ${t.int} NOT NULL,
        last_code     TEXT NOT NULL,
        last_message  TEXT NOT NULL
      );
`
