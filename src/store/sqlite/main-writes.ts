import type { Database } from 'better-sqlite3'
import { GroupCommit, type Outcome } from './group-commit.js'

/**
 * The delivery engine's writes on the main connection (claims, completions, failures,
 * lease renewals), grouped: every write asked for in one turn of the event loop runs in
 * one `BEGIN IMMEDIATE` transaction, each in its own savepoint so that one failing write
 * fails alone.
 *
 * Why: taking the write lock blocks the event loop while the writer thread commits (an
 * fsync with synchronous=FULL), and a commit of our own with FULL blocks it for another
 * fsync (about 2 ms here). One lock per write was harmless with a lane per location
 * polling, but with thousands of locations woken at once (one event each) it was
 * thousands of waits a second, and webhook latency grew with them.
 *
 * Why these commits use synchronous=NORMAL (the connection's own setting is restored
 * after each): in WAL mode that is still safe against a crash of the process, and what
 * a power loss could undo here is delivery state only, which at-least-once delivery
 * already tolerates: a job done or dead reverts to pending and is delivered again
 * (adding a tag the contact has is a no-op), a lease or a retry time is lost. Accepts
 * (the writer thread) and OAuth token rotations stay synchronous=FULL.
 */
export class MainWrites {
  readonly #commit: GroupCommit<() => unknown, unknown>

  constructor(db: Database) {
    const batch = db.transaction((ops: (() => unknown)[]): Outcome<unknown>[] =>
      ops.map((op) => {
        try {
          return { ok: true, value: db.transaction(op)() }
        } catch (error) {
          return { ok: false, error }
        }
      }),
    )
    this.#commit = new GroupCommit((ops) => {
      const level = db.pragma('synchronous', { simple: true }) as number
      db.pragma('synchronous = NORMAL')
      try {
        return batch.immediate(ops)
      } finally {
        db.pragma(`synchronous = ${level}`)
      }
    }, 1024)
  }

  run<T>(op: () => T): Promise<T> {
    return this.#commit.submit(op) as Promise<T>
  }

  flush(): Promise<void> {
    return this.#commit.flush()
  }
}
