import type { Migration } from './migration.js'

export default {
  version: 34,
  name: 'alert_leader',
  sql: (t) => `
      -- one row: which process checks the alert triggers, until when (a lease)
      CREATE TABLE alert_leader (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        owner TEXT NOT NULL,
        until ${t.int} NOT NULL
      );
      INSERT INTO alert_leader (id, owner, until) VALUES (1, '', 0);
`,
} satisfies Migration
