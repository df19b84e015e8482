import type { Database } from 'better-sqlite3'
import { TagrelayError } from '../../errors.js'
import { migrations as defaultMigrations } from './migrations.js'
import type { Migration } from './migrations.js'

/**
 * Brings the database up to the newest migration this build knows.
 *
 * Why one transaction per migration (not one for all): a failure leaves the database at
 * the last good version, recorded in `schema_migrations`, and the next start resumes there.
 *
 * Why `BEGIN IMMEDIATE` and a re-read of the version inside it: several processes (a server
 * and `tagrelay migrate` or `tagrelay replay`) may start at once against the same file. The write
 * lock serialises them; the one that waited sees the work done and skips it.
 *
 * Why "is this version recorded" rather than "is it below the newest recorded": versions
 * are not always contiguous on every build (branches append numbers independently), and
 * a database migrated by a build that knew 1 and 3 must still get 2 from one that knows
 * 1, 2 and 3. Each migration must therefore stand on its own, never on the one before.
 *
 * Why refuse a newer database: code that does not know a column or a status could
 * corrupt rows written by a newer release. Failing at start, with a clear code, is the
 * only safe answer to a rollback of the binary.
 */
export function migrate(db: Database, migrations: readonly Migration[] = defaultMigrations): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`)
  const current = db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_migrations')
  const applied = db.prepare<[number], { version: number }>('SELECT version FROM schema_migrations WHERE version = ?')
  const record = db.prepare<[number, string, number]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  )
  const known = Math.max(0, ...migrations.map((m) => m.version))

  const readVersion = (): number => {
    const version = current.get()?.v ?? 0
    if (version > known) {
      throw new TagrelayError(
        'TAGRELAY_STORE_SCHEMA_TOO_NEW',
        `database schema is at version ${version} but this tagrelay knows only up to ${known}; ` +
          'upgrade tagrelay (or restore a backup taken before the newer version ran)',
        500,
      )
    }
    return version
  }

  readVersion()
  for (const m of migrations) {
    db.transaction(() => {
      readVersion()
      if (applied.get(m.version) !== undefined) return
      db.exec(m.sql)
      record.run(m.version, m.name, Date.now())
    }).immediate()
  }
}

/** Versions recorded as applied, oldest first (for `tagrelay migrate` output and tests). */
export function appliedVersions(db: Database): number[] {
  return db
    .prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version')
    .all()
    .map((r) => r.version)
}
