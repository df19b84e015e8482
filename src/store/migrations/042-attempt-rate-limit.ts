import { migration } from './migration.js'

export default migration(42, 'attempt_rate_limit')`
      -- HighLevel's rate-limit headers beside each attempt (JSON), for the console's timeline.
      ALTER TABLE attempts ADD COLUMN rate_limit TEXT;
`
