import { migration, t } from './migration.js'

export default migration(5, 'delivery_engine')`
      -- email/phone -> HighLevel contact id, per location, so that a contact is looked up
      -- once per TTL rather than once per event. key is 'email:<address>' or 'phone:<E.164>'.
      CREATE TABLE contact_cache (
        location   TEXT NOT NULL,
        key        TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        expires_at ${t.int} NOT NULL,
        PRIMARY KEY (location, key)
      )${t.strictNoRowid};
      CREATE INDEX contact_cache_expires ON contact_cache (expires_at);
      -- the delivery engine claims per location (one lane each)
      CREATE INDEX jobs_location_claim ON jobs (location, status, run_at, id);
`
