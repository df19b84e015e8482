import { migration, t } from './migration.js'

export default migration(34, 'alert_leader')`
      -- one row: which process checks the alert triggers, until when (a lease)
      CREATE TABLE alert_leader (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        owner TEXT NOT NULL,
        until ${t.int} NOT NULL
      );
      INSERT INTO alert_leader (id, owner, until) VALUES (1, '', 0);
`
