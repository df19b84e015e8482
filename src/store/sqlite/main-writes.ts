import type { Database } from 'better-sqlite3'
import { GroupCommit, type Outcome } from './group-commit.js'

/**
 * The delivery engine's writes on the main connection (claims, completions, failures,
 * lease renewals), grouped: every write asked for in one turn of the event loop runs in
 * one `BEGIN IMMEDIATE` transaction, each in its own savepoint so that one failing write
 * fails alone.
 *
 * Why: taking the write lock blocks the event loop while the writer thread commits (an
 * fsync with synchronous=FULL). One lock per write was harmless with a lane per location
 * polling, but with thousands of locations woken at once (one event each) it was
 * thousands of waits a second, and webhook latency grew with them.
 */
export class MainWrites {
  readonly #commit: GroupCommit<() => unknown, unknown>

  constructor(db: Database) {
    this.#commit = new GroupCommit(
      (ops) =>
        db
          .transaction((): Outcome<unknown>[] =>
            ops.map((op) => {
              try {
                return { ok: true, value: db.transaction(op)() }
              } catch (error) {
                return { ok: false, error }
              }
            }),
          )
          .immediate(),
      1024,
    )
  }

  run<T>(op: () => T): Promise<T> {
    return this.#commit.submit(op) as Promise<T>
  }

  flush(): Promise<void> {
    return this.#commit.flush()
  }
}
