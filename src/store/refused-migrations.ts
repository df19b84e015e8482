/**
 * Migration 60 (issue 29): refused requests counted by every byte they hold. The same
 * change on both stores; only how a byte length is read differs.
 *
 * - `contacts` goes: emails and phones are now guessed when the admin view lists a row,
 *   from the first bytes of its body (an unverified body is never parsed on receipt).
 * - `bytes` becomes everything a row stores (body, URL, headers, query and the rest), so
 *   `refused.maxBytesPerSource` bounds what a source really holds: 1,000 rows with 2-byte
 *   bodies and 16 kB of headers each were counted as 2 kB before.
 * - the per-source index also covers `bytes`: trimming a source reads no row's body.
 */
const refusedBytes = (octets: (expr: string) => string): string => `
      ALTER TABLE refused_requests DROP COLUMN contacts;
      UPDATE refused_requests
         SET bytes = ${octets('body')} + ${octets(`id || source || code || method || url || headers || query`)};
      DROP INDEX refused_requests_source;
      CREATE INDEX refused_requests_source ON refused_requests (source, id, bytes);
`

export const sqliteRefusedMigrations = [
  {
    version: 60,
    name: 'refused_bytes',
    sql: refusedBytes((e) => `length(CAST(${e} AS BLOB))`),
  },
]

export const postgresRefusedMigrations = [
  {
    version: 60,
    name: 'refused_bytes',
    sql: refusedBytes((e) => `octet_length(${e})`),
  },
]
