import type { Migration } from './migration.js'

export default {
  version: 33,
  name: 'job_trace_parent',
  sql: () => `
      -- the W3C traceparent of the webhook span that made the job (NULL without tracing),
      -- so its HighLevel calls join the webhook's trace, after a restart too
      ALTER TABLE jobs ADD COLUMN trace_parent TEXT;
`,
} satisfies Migration
