import { migration } from './migration.js'

export default migration(40, 'jobs_contact_indexes')`
      -- The console and GET /admin/events?contact= find a person's events among millions
      -- from the jobs (by contact id, HighLevel's id, email in any case, phone).
      CREATE INDEX jobs_contact_id ON jobs (contact_id) WHERE contact_id IS NOT NULL;
      CREATE INDEX jobs_resolved_contact_id ON jobs (resolved_contact_id) WHERE resolved_contact_id IS NOT NULL;
      CREATE INDEX jobs_contact_email ON jobs (lower(contact_email)) WHERE contact_email IS NOT NULL;
      CREATE INDEX jobs_contact_phone ON jobs (contact_phone) WHERE contact_phone IS NOT NULL;
`
