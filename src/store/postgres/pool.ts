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

export type Queryable = pg.Pool | pg.PoolClient

/**
 * Runs `fn` in one transaction on one connection; rolls back on any error. Why a
 * connection whose ROLLBACK failed is destroyed rather than returned: it may still be
 * inside the transaction (holding its locks), and the next borrower would run in it.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect()
  let broken = false
  try {
    await client.query(begin)
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true
    })
    throw err
  } finally {
    client.release(broken)
  }
}
