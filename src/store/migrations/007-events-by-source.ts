import type { Migration } from './migration.js'

export default {
  version: 7,
  name: 'events_by_source',
  sql: () => `
      -- The admin event list filtered by source, newest first (keyset on received_at, id).
      CREATE INDEX events_source_received_at ON events (source, received_at);
`,
} satisfies Migration
