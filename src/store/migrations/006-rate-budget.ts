import { migration } from './migration.js'

/** 6: PostgreSQL only: the rate budget shared by replicas (one process's SQLite store keeps its budget in memory). Replaced by 8. */
export default migration(6, 'rate_budget', 'postgres')`
      -- The per-location request budget shared by every replica: a token bucket,
      -- refilled lazily by the statement that takes from it.
      CREATE TABLE rate_budget (
        location   TEXT PRIMARY KEY,
        tokens     DOUBLE PRECISION NOT NULL,
        updated_at BIGINT NOT NULL
      );
`
