import { migration, t } from './migration.js'

export default migration(81, 'portal_links')`
      -- One-time links that open a scoped console session. Only the SHA-256 of the
      -- secret is kept; used_at is set once, by a conditional UPDATE (single use).
      CREATE TABLE portal_links (
        id          TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL UNIQUE,
        scope       TEXT NOT NULL,
        role        TEXT NOT NULL,
        label       TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        created_at  ${t.int} NOT NULL,
        expires_at  ${t.int} NOT NULL,
        used_at     ${t.int},
        revoked_at  ${t.int}
      );
      CREATE INDEX portal_links_created ON portal_links (created_at);
`
