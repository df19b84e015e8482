import { migration } from './migration.js'

export default migration(10, 'job_resolved_contact')`
      -- A job keeps the identity it was given (contact_id: only an id from the payload)
      -- apart from the id delivery resolved its email/phone to, so that a stale resolved
      -- id can be looked up again. Rules give either an id or an email/phone, never both:
      -- a row with both held a resolved id, which moves.
      ALTER TABLE jobs ADD COLUMN resolved_contact_id TEXT;
      UPDATE jobs SET resolved_contact_id = contact_id, contact_id = NULL
      WHERE contact_id IS NOT NULL AND (contact_email IS NOT NULL OR contact_phone IS NOT NULL);
`
