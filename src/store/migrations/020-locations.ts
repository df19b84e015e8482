import { migration, t } from './migration.js'

export default migration(20, 'locations')`
      -- Locations installed through the OAuth app (YAML ones are not stored). A removed
      -- location keeps its row, so every replica sees the removal.
      CREATE TABLE locations (
        location_id  TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        company_id   TEXT,
        token_source TEXT NOT NULL,
        state        TEXT NOT NULL,
        state_reason TEXT,
        disabled     ${t.bool} NOT NULL DEFAULT ${t.false},
        installed_at ${t.int} NOT NULL,
        updated_at   ${t.int} NOT NULL
      );
      CREATE INDEX locations_updated ON locations (updated_at);
      CREATE INDEX locations_company ON locations (company_id);
      CREATE TABLE companies (
        company_id   TEXT PRIMARY KEY,
        state        TEXT NOT NULL,
        state_reason TEXT,
        installed_at ${t.int} NOT NULL,
        updated_at   ${t.int} NOT NULL
      );
`
