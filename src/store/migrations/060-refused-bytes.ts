import { migration, t } from './migration.js'

/**
 * 60: Refused requests counted by every byte they hold (issue 29).
 *
 * - `contacts` goes: emails and phones are now guessed when the admin view lists a row,
 *   from the first bytes of its body (an unverified body is never parsed on receipt).
 * - `bytes` becomes everything a row stores (body, URL, headers, query and the rest), so
 *   `refused.maxBytesPerSource` bounds what a source really holds: 1,000 rows with 2-byte
 *   bodies and 16 kB of headers each were counted as 2 kB before.
 * - the per-source index also covers `bytes`: trimming a source reads no row's body.
 */
export default migration(60, 'refused_bytes')`
      ALTER TABLE refused_requests DROP COLUMN contacts;
      UPDATE refused_requests
         SET bytes = ${t.octets('body')} + ${t.octets(`id || source || code || method || url || headers || query`)};
      DROP INDEX refused_requests_source;
      CREATE INDEX refused_requests_source ON refused_requests (source, id, bytes);
`
