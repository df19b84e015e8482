import { migration, t } from './migration.js'

export default migration(65, 'console_sessions')`
      -- Console sessions, so a sign-out holds on every replica and after a restart until
      -- the session's expiry. Rows are general (id, role, times, revoked) for other kinds
      -- of sessions to come; expired rows are dropped at each sign-in.
      CREATE TABLE console_sessions (
        id         TEXT PRIMARY KEY,
        role       TEXT NOT NULL,
        created_at ${t.int} NOT NULL,
        expires_at ${t.int} NOT NULL,
        revoked_at ${t.int}
      );
      CREATE INDEX console_sessions_expires ON console_sessions (expires_at);
`
