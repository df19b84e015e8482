import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { codes, TagrelayError } from '../../errors.js'

export interface SqliteOptions {
  /**
   * `FULL` (default) fsyncs the WAL on every commit: a 202 survives power loss.
   * `NORMAL` syncs only at checkpoints: still safe against a process crash, but the last
   * commits can be lost if the machine loses power. Benchmarks and throwaway demos only.
   */
  synchronous?: 'FULL' | 'NORMAL'
  /**
   * Commit accepts on a thread of their own (default true; see writer.ts). `false`
   * commits on the event loop: simpler to debug, slower under load.
   */
  writerThread?: boolean
}

/**
 * Opens a better-sqlite3 connection with the settings tagrelay relies on.
 *
 * - `journal_mode=WAL`: readers (admin views, health checks) never block the writer,
 *   and a commit is one append to the WAL rather than a rewrite of the journal.
 * - `synchronous`: see {@link SqliteOptions}.
 * - `foreign_keys=ON`: SQLite leaves them off by default per connection; jobs must not
 *   outlive or precede their event.
 * - `busy_timeout=5000`: the writer thread, the delivery engine and commands such as
 *   `tagrelay replay` share the file; a writer waits for the lock instead of failing at
 *   once with SQLITE_BUSY.
 */
export function openDatabase(path: string, options: SqliteOptions = {}): Database.Database {
  const synchronous = options.synchronous ?? 'FULL'
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
    throw new TagrelayError(
      codes.TAGRELAY_CONFIG_INVALID,
      `store: synchronous must be FULL or NORMAL, got "${synchronous}"`,
    )
  }
  const memory = path === ':memory:'
  let db: Database.Database | undefined
  try {
    if (!memory) mkdirSync(dirname(path), { recursive: true })
    db = new Database(path)
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${synchronous}`)
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    return db
  } catch (err) {
    db?.close()
    throw openFailed(`cannot open SQLite database at ${path}`, err)
  }
}

/** TAGRELAY_STORE_OPEN_FAILED: `what` could not be done, for `err`'s reason (the main connection's or the writer thread's). */
export function openFailed(what: string, err: unknown): TagrelayError {
  const reason = err instanceof Error ? err.message : String(err)
  return new TagrelayError(codes.TAGRELAY_STORE_OPEN_FAILED, `${what}: ${reason}`, { cause: err })
}
