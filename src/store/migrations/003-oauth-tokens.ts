import { migration, t } from './migration.js'

export default migration(3, 'oauth_tokens')`
      -- The current OAuth token pair per HighLevel location. HighLevel's refresh tokens
      -- are single-use: the row is written before a new access token is used, so a
      -- restart continues from the newest refresh token, never the one in the config.
      -- client_id and seed_hash (SHA-256 of the configured refresh token) tell whether the
      -- row still belongs to the configured app and grant: a new grant in the config wins.
      CREATE TABLE oauth_tokens (
        location      TEXT PRIMARY KEY,
        client_id     TEXT NOT NULL,
        seed_hash     TEXT NOT NULL,
        access_token  TEXT NOT NULL,
        refresh_token TEXT NOT NULL,
        expires_at    ${t.int} NOT NULL,
        updated_at    ${t.int} NOT NULL
      )${t.strict};
`
