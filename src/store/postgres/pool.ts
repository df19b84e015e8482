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
 * in code, so a URL carrying its own settings would have put every table in `public`. The
 * `SET` is queued on the connection before any query of ours, and the URL's settings hold.
 */
export function createPool(url: string, options: PostgresOptions = {}): pg.Pool {
  const searchPath = `SET search_path TO ${quoteIdent(options.schema ?? 'public')}`
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types,
    application_name: 'tagrelay',
  })
  // a failed SET means a broken connection: the query queued behind it fails and says why
  pool.on('connect', (client) => void client.query(searchPath).catch(() => {}))
  // an idle connection dropped by the server must not crash the process; the next query reconnects
  pool.on('error', () => {})
  return pool
}
