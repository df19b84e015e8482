import { migration } from './migration.js'

export default migration(80, 'console_session_scope')`
      -- What a console session may see (issue 28): JSON of the scope (all, a company, a
      -- list of locations); NULL (sessions from before) is everything. And how it was
      -- opened (sign-in, sso, portal-link), for the log and the console.
      ALTER TABLE console_sessions ADD COLUMN scope TEXT;
      ALTER TABLE console_sessions ADD COLUMN via TEXT;
`
