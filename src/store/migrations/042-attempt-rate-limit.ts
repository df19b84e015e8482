import type { Migration } from './migration.js'

export default {
  version: 42,
  name: 'attempt_rate_limit',
  sql: () => `
      -- HighLevel's rate-limit headers beside each attempt (JSON), for the console's timeline.
      ALTER TABLE attempts ADD COLUMN rate_limit TEXT;
`,
} satisfies Migration
