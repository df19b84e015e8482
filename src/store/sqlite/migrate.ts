import type { Database } from 'better-sqlite3'
import type { MigrationTarget } from '../migrations/run.js'

/**
 * The migration runner's SQLite side: each migration in its own `BEGIN IMMEDIATE`
 * transaction, whose write lock keeps a second process (a server and `tagrelay migrate`
 * started together) out until the version is recorded.
 */
export function sqliteMigrationTarget(db: Database): MigrationTarget {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`)
  const versions = (): number[] => appliedVersions(db)
  const record = db.prepare<[number, string, number]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  )
  return {
    kind: 'sqlite',
    exclusive: (fn) => fn(),
    appliedVersions: async () => versions(),
    async apply(m, check) {
      db.transaction(() => {
        const applied = versions()
        check(applied)
        if (applied.includes(m.version)) return
        db.exec(m.sql)
        record.run(m.version, m.name, Date.now())
      }).immediate()
    },
  }
}

/** Versions recorded as applied, oldest first (for `tagrelay migrate` output and tests). */
export function appliedVersions(db: Database): number[] {
  return db
    .prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version')
    .all()
    .map((r) => r.version)
}
