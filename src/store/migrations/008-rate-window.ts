import { migration } from './migration.js'

/** 8: PostgreSQL only: the shared rate budget as a sliding-window log (PostgresRateWindowLog says why). */
export default migration(8, 'rate_window', 'postgres')`
      -- The token bucket of migration 6 could put ~2x the limit into one of HighLevel's
      -- fixed windows. Its state is transient, so the old table just goes.
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
`
