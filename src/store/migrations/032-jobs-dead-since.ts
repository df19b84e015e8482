import { migration } from './migration.js'

export default migration(32, 'jobs_dead_since')`
      -- dead letters by the time they died (the alert digest reads the new ones)
      CREATE INDEX jobs_dead_since ON jobs (updated_at) WHERE status = 'dead';
`
