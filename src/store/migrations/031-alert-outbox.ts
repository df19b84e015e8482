import { migration, t } from './migration.js'

export default migration(31, 'alert_outbox')`
      -- Alerts waiting for (or taken by) their destination: durable, retried, leased.
      CREATE TABLE alert_outbox (
        id          ${t.serial},
        destination TEXT NOT NULL,
        kind        TEXT NOT NULL,
        subject     TEXT NOT NULL,
        state       TEXT NOT NULL,
        payload     TEXT NOT NULL,
        created_at  ${t.int} NOT NULL,
        status      TEXT NOT NULL DEFAULT 'pending',
        attempts    ${t.int} NOT NULL DEFAULT 0,
        next_at     ${t.int} NOT NULL,
        lease_owner TEXT,
        lease_until ${t.int},
        last_error  TEXT,
        sent_at     ${t.int}
      )${t.strict};
      CREATE INDEX alert_outbox_due ON alert_outbox (status, next_at);
`
