import type { Migration } from './migration.js'

export default {
  version: 32,
  name: 'jobs_dead_since',
  sql: () => `
      -- dead letters by the time they died (the alert digest reads the new ones)
      CREATE INDEX jobs_dead_since ON jobs (updated_at) WHERE status = 'dead';
`,
} satisfies Migration
