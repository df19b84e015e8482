import { migration, t } from './migration.js'

export default migration(30, 'refused_requests')`
      -- Requests refused for a bad or missing signature or token, kept (bounded per source)
      -- for a second look; credential values only as hashes. Body kept as received.
      CREATE TABLE refused_requests (
        id             TEXT PRIMARY KEY,
        source         TEXT NOT NULL,
        received_at    ${t.int} NOT NULL,
        code           TEXT NOT NULL,
        method         TEXT NOT NULL,
        url            TEXT NOT NULL,
        headers        TEXT NOT NULL,
        query          TEXT NOT NULL,
        body           ${t.blob} NOT NULL,
        bytes          ${t.int} NOT NULL,
        contacts       TEXT NOT NULL,
        status         TEXT NOT NULL DEFAULT 'refused',
        reverified_at  ${t.int},
        reverify_code  TEXT
      )${t.strict};
      -- per-source trimming and the list filtered by source, newest first (ids are UUIDv7)
      CREATE INDEX refused_requests_source ON refused_requests (source, id);
      CREATE INDEX refused_requests_received_at ON refused_requests (received_at);
`
