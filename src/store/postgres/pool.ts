import pg from 'pg'
import { quoteIdent } from './migrate.js'

export interface PostgresOptions {
  /** the schema tagrelay's tables live in (default `public`); tests use one per file */
  schema?: string
  /** connections per process (default 10) */
  poolSize?: number
}

/** BIGINT (int8) columns hold epoch ms and ids, all far below 2^53: read them as numbers. */
const INT8_OID = 20
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

/**
 * A pool whose every connection has `search_path` set to the store's schema, so the
 * queries name tables unqualified and one database can hold several stores (tests).
 *
 * Why a `SET` on each new connection rather than the startup `options`: pg lets the URL's
 * `options` (`?options=-c statement_timeout=5000`, or `PGOPTIONS`) replace the ones given
 * in code, so a URL carrying its own settings would have put every table in `public`.
 *
 * Why the pool's `onConnect` hook and not its `connect` event: the hook is awaited before
 * the connection is handed out, so the `SET` has finished before any query of ours. Queued
 * from the event, it was still running when the first query came (pg warns that it will
 * refuse a query on a busy client in pg 9). A failed `SET` ends that connection, and the
 * query that asked for it fails with the reason.
 */
export function createPool(url: string, options: PostgresOptions = {}): pg.Pool {
  const searchPath = `SET search_path TO ${quoteIdent(options.schema ?? 'public')}`
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types,
    application_name: 'tagrelay',
    onConnect: async (client) => {
      await client.query(searchPath)
    },
  })
  // an idle connection dropped by the server must not crash the process; the next query reconnects
  pool.on('error', () => {})
  return pool
}
