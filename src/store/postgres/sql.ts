import type pg from 'pg'
import { driveAsync, type Body, type Sql, type Step } from '../sql.js'

/** SQLite's planner hints mean nothing here. */
const toPostgres = (text: string): string => text.replace(/INDEXED BY \w+/g, '')

/** One step on a pool or a connection: its rows (`all`) or how many rows it changed (`run`). */
export async function exec(db: pg.Pool | pg.PoolClient, step: Step): Promise<unknown> {
  const result = await db.query(toPostgres(step.text), step.params as unknown[])
  return step.kind === 'all' ? result.rows : (result.rowCount ?? 0)
}

/** The PostgreSQL driver: statements on the pool, transactions on one pooled connection each. */
export class PostgresSql implements Sql {
  readonly dialect = 'postgres' as const

  constructor(readonly pool: pg.Pool) {}

  async all<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await exec(this.pool, { kind: 'all', text, params })) as R[]
  }

  async get<R>(text: string, params: readonly unknown[] = []): Promise<R | undefined> {
    return (await this.all<R>(text, params))[0]
  }

  async run(text: string, params: readonly unknown[] = []): Promise<number> {
    return (await exec(this.pool, { kind: 'run', text, params })) as number
  }

  write<T>(body: Body<T>): Promise<T> {
    return this.transaction((c) => driveAsync(body, (step) => exec(c, step)))
  }

  read<T>(body: Body<T>): Promise<T> {
    return this.transaction(
      (c) => driveAsync(body, (step) => exec(c, step)),
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    )
  }

  /**
   * Runs `fn` in one transaction on one connection; rolls back on any error. Why a
   * connection whose ROLLBACK failed is destroyed rather than returned: it may still be
   * inside the transaction (holding its locks), and the next borrower would run in it.
   */
  async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect()
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
}
