import { migration } from './migration.js'

export default migration(7, 'events_by_source')`
      -- The admin event list filtered by source, newest first (keyset on received_at, id).
      CREATE INDEX events_source_received_at ON events (source, received_at);
`
