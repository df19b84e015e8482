import { migration } from './migration.js'

/**
 * 51: SQLite only: the process that owns the file's deliveries. A SQLite file has one
 * delivering process; when a new one starts, any lease another owner holds belongs to a
 * dead predecessor, and waiting `leaseMs` for it to run out only delays delivery.
 */
export default migration(51, 'delivery_owner', 'sqlite')`
      CREATE TABLE delivery_owner (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        owner      TEXT NOT NULL,
        epoch      INTEGER NOT NULL,
        started_at INTEGER NOT NULL
      ) STRICT;
`
