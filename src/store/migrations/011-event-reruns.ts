import { migration, t } from './migration.js'

export default migration(11, 'event_reruns')`
      -- Every re-run of a stored event with later rules: who, when, which rules version,
      -- and what it changed (JSON). Its jobs are ordinary jobs of the event.
      CREATE TABLE event_reruns (
        id            ${t.serial},
        event_id      TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        at            ${t.int} NOT NULL,
        requested_by  TEXT NOT NULL,
        rules_version TEXT NOT NULL,
        changes       TEXT NOT NULL
      )${t.strict};
      CREATE INDEX event_reruns_event ON event_reruns (event_id);
`
