import type { Database } from 'better-sqlite3'
import { recordedVersions, type MigrationTarget } from '../migrations/run.js'
import { drive, type Step } from '../sql.js'
import { executor } from './sql.js'

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
  const statements = executor(db)
  // a migration's SQL is a script: several statements, run as written
  const exec = (step: Step): unknown =>
    step.kind === 'run' && step.params.length === 0 ? db.exec(step.text) : statements(step)
  return {
    kind: 'sqlite',
    exclusive: (fn) => fn(),
    transaction: async (body) => db.transaction(() => drive(body, exec)).immediate(),
  }
}

/** Versions recorded as applied, oldest first (for `tagrelay migrate` output and tests). */
export function appliedVersions(db: Database): number[] {
  return drive(recordedVersions, executor(db))
}
