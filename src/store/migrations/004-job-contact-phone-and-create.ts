import { migration } from './migration.js'

export default migration(4, 'job_contact_phone_and_create')`
      -- A contact may be looked up by phone (E.164) as well as by email, and a rule may
      -- give fields to create a missing contact with (JSON object, NULL when none).
      ALTER TABLE jobs ADD COLUMN contact_phone TEXT;
      ALTER TABLE jobs ADD COLUMN create_fields TEXT;
`
