import type pg from 'pg'
import { TagrelayError } from '../../errors.js'
import { migrations as defaultMigrations } from './migrations.js'
import type { Migration } from './migrations.js'

/**
 * Brings the schema up to the newest migration this build knows.
 *
 * Why a session advisory lock around the whole run: two replicas starting together would
 * otherwise both see version 3 missing and both try to create its table. The lock key is
 * derived from the schema name, so test schemas migrate in parallel. The one that waited
 * re-reads the recorded versions and finds nothing left to do.
 *
 * Why one transaction per migration: PostgreSQL DDL is transactional, so a failing
 * migration leaves the schema at the last good version, and the next start resumes there.
 * A database recorded at a version this build does not know is refused, as on SQLite.
 */
export async function migratePostgres(
  pool: pg.Pool,
  schema: string,
  migrations: readonly Migration[] = defaultMigrations,
): Promise<void> {
  const client = await pool.connect()
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
      const known = Math.max(0, ...migrations.map((m) => m.version))
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations')
      const applied = new Set(rows.map((r) => r.version))
      const newest = Math.max(0, ...applied)
      if (newest > known) {
        throw new TagrelayError(
          'TAGRELAY_STORE_SCHEMA_TOO_NEW',
          `database schema is at version ${newest} but this tagrelay knows only up to ${known}; ` +
            'upgrade tagrelay (or restore a backup taken before the newer version ran)',
          500,
        )
      }
      for (const m of migrations) {
        if (applied.has(m.version)) continue
        await client.query('BEGIN')
        try {
          await client.query(m.sql)
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            Date.now(),
          ])
          await client.query('COMMIT')
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {
            broken = true
          })
          throw err
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext('tagrelay.migrate.' || $1))", [schema]).catch(() => {
        broken = true
      })
    }
  } finally {
    client.release(broken)
  }
}

/** Versions recorded as applied, oldest first. */
export async function appliedPostgresVersions(pool: pg.Pool): Promise<number[]> {
  const { rows } = await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
  return rows.map((r) => r.version)
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

/** Two replicas racing on CREATE SCHEMA IF NOT EXISTS can still collide on the catalog. */
function ignoreConcurrentCreate(err: unknown): void {
  if ((err as { code?: string }).code !== '23505') throw err
}
