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
 */
export function createPool(url: string, options: PostgresOptions = {}): pg.Pool {
  const schema = options.schema ?? 'public'
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types,
    options: `-c search_path=${quoteIdent(schema)}`,
    application_name: 'tagrelay',
  })
  // an idle connection dropped by the server must not crash the process; the next query reconnects
  pool.on('error', () => {})
  return pool
}
