import type pg from 'pg'
import { recordedVersions, type MigrationTarget } from '../migrations/run.js'
import { driveAsync } from '../sql.js'
import { exec } from './sql.js'

/**
 * The migration runner's PostgreSQL side.
 *
 * Why a session advisory lock around the whole run: two replicas starting together would
 * otherwise both see version 3 missing and both try to create its table. The lock key is
 * derived from the schema name, so test schemas migrate in parallel. PostgreSQL DDL is
 * transactional, so each migration is one transaction like any other write.
 */
export function postgresMigrationTarget(pool: pg.Pool, schema: string): MigrationTarget {
  let client: pg.PoolClient | undefined
  const on = (): pg.PoolClient => client!
  return {
    kind: 'postgres',
    async exclusive(fn) {
      client = await pool.connect()
      // a connection that may still hold the session lock or a transaction is destroyed, not pooled
      let broken = false
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`).catch(ignoreConcurrentCreate)
        await client.query("SELECT pg_advisory_lock(hashtext('tagrelay.migrate.' || $1))", [schema])
        try {
          await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at BIGINT NOT NULL
          )`)
          return await fn()
        } finally {
          await client.query("SELECT pg_advisory_unlock(hashtext('tagrelay.migrate.' || $1))", [schema]).catch(() => {
            broken = true
          })
        }
      } catch (err) {
        broken = true
        throw err
      } finally {
        client.release(broken)
        client = undefined
      }
    },
    async transaction(body) {
      const c = on()
      await c.query('BEGIN')
      try {
        // without parameters pg sends the simple protocol: a migration's several statements
        const result = await driveAsync(body, (step) => exec(c, step))
        await c.query('COMMIT')
        return result
      } catch (err) {
        await c.query('ROLLBACK')
        throw err
      }
    },
  }
}

/** Versions recorded as applied, oldest first (none when the table does not exist yet). */
export async function appliedPostgresVersions(pool: pg.Pool): Promise<number[]> {
  return driveAsync(recordedVersions, async (step) => (await pool.query(step.text)).rows)
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

/** Two replicas racing on CREATE SCHEMA IF NOT EXISTS can still collide on the catalog. */
function ignoreConcurrentCreate(err: unknown): void {
  if ((err as { code?: string }).code !== '23505') throw err
}
