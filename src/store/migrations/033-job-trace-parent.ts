import { migration } from './migration.js'

export default migration(33, 'job_trace_parent')`
      -- the W3C traceparent of the webhook span that made the job (NULL without tracing),
      -- so its HighLevel calls join the webhook's trace, after a restart too
      ALTER TABLE jobs ADD COLUMN trace_parent TEXT;
`
