import { migration } from './migration.js'

export default migration(41, 'event_contact')`
      -- Who an event is about, read by the source's rules even when none matched: an
      -- event nobody was tagged for has no job, and "why was she not tagged" starts by
      -- finding it by her email.
      ALTER TABLE events ADD COLUMN contact_id TEXT;
      ALTER TABLE events ADD COLUMN contact_email TEXT;
      ALTER TABLE events ADD COLUMN contact_phone TEXT;
      CREATE INDEX events_contact_id ON events (contact_id) WHERE contact_id IS NOT NULL;
      CREATE INDEX events_contact_email ON events (contact_email) WHERE contact_email IS NOT NULL;
      CREATE INDEX events_contact_phone ON events (contact_phone) WHERE contact_phone IS NOT NULL;
`
