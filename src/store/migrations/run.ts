import { codes, TagrelayError } from '../../errors.js'
import { columnTypes, type Migration } from './migration.js'
import { migrations as all } from './index.js'
import { q, type Body, type Step } from '../sql.js'

/** What the runner needs of a store's connection; each dialect provides one. */
export interface MigrationTarget {
  readonly kind: 'sqlite' | 'postgres'
  /** runs `fn` while no other process migrates this store (PostgreSQL: an advisory lock) */
  exclusive<T>(fn: () => Promise<T>): Promise<T>
  /** runs `body` in one transaction; a `run` step without parameters is a script (several statements) */
  transaction<T>(body: Body<T>): Promise<T>
}

/** The versions recorded as applied, oldest first. */
export function* recordedVersions(): Generator<Step, number[], unknown> {
  return (yield* q.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map(
    (r) => r.version,
  )
}

/**
 * Brings a store up to the newest migration this build knows; the one runner for both
 * stores.
 *
 * Why one transaction per migration (not one for all): a failure leaves the database at
 * the last good version, recorded in `schema_migrations`, and the next start resumes there.
 *
 * Why "is this version recorded" rather than "is it below the newest recorded": versions
 * are not always contiguous on every build (branches append numbers independently), and
 * a database migrated by a build that knew 1 and 3 must still get 2 from one that knows
 * 1, 2 and 3. Each migration must therefore stand on its own.
 *
 * Why the recorded versions are read again inside each transaction: several processes
 * (a server and `tagrelay migrate`, or replicas) may start at once. The lock serialises
 * them (SQLite's write lock per transaction, PostgreSQL's advisory lock around the run);
 * the one that waited sees the work done and skips it.
 *
 * Why refuse a newer database: code that does not know a column or a status could
 * corrupt rows written by a newer release. Failing at start, with a clear code, is the
 * only safe answer to a rollback of the binary.
 */
export async function migrate(target: MigrationTarget, migrations: readonly Migration[] = all): Promise<void> {
  const known = Math.max(0, ...migrations.map((m) => m.version))
  const check = (applied: number[]): void => {
    const newest = Math.max(0, ...applied)
    if (newest > known) {
      throw new TagrelayError(
        codes.TAGRELAY_STORE_SCHEMA_TOO_NEW,
        `database schema is at version ${newest} but this tagrelay knows only up to ${known}; ` +
          'upgrade tagrelay (or restore a backup taken before the newer version ran)',
      )
    }
  }
  const types = columnTypes[target.kind]
  await target.exclusive(async () => {
    const recorded = await target.transaction(recordedVersions)
    check(recorded)
    // a recorded version stays recorded: only the others need a transaction (a start with
    // nothing to apply costs this one read, not a transaction per migration)
    const pending = migrations.filter((m) => (m.only ?? target.kind) === target.kind && !recorded.includes(m.version))
    for (const m of pending) {
      await target.transaction(function* () {
        const applied = yield* recordedVersions()
        check(applied)
        if (applied.includes(m.version)) return
        yield* q.run(m.sql(types))
        yield* q.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          Date.now(),
        ])
      })
    }
  })
}

/** The versions this build would apply to a store of `kind` that are not in `applied`. */
export function missingVersions(kind: 'sqlite' | 'postgres', applied: readonly number[]): number[] {
  return all.filter((m) => (m.only ?? kind) === kind && !applied.includes(m.version)).map((m) => m.version)
}
