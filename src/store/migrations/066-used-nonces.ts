import { migration, t } from './migration.js'

export default migration(66, 'used_nonces')`
      -- One-time values already used (an OAuth install's state, an app webhook's id), kept
      -- until they could no longer be accepted anyway: a replay is refused on every replica.
      CREATE TABLE used_nonces (
        kind       TEXT NOT NULL,
        nonce      TEXT NOT NULL,
        expires_at ${t.int} NOT NULL,
        PRIMARY KEY (kind, nonce)
      );
      CREATE INDEX used_nonces_expires ON used_nonces (expires_at);
`
