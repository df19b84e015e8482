import type { Database } from 'better-sqlite3'
import { setTimeout as sleep } from 'node:timers/promises'
import { eachIsolated, GroupCommit, type Outcome } from './group-commit.js'

/** as long as busy_timeout waits elsewhere */
const BUSY_TIMEOUT_MS = 5_000

/**
 * The delivery engine's writes on the main connection (claims, completions, failures,
 * lease renewals), grouped: every write asked for in one turn of the event loop runs in
 * one `BEGIN IMMEDIATE` transaction, each in its own savepoint so that one failing write
 * fails alone.
 *
 * Why: taking the write lock blocked the event loop while the writer thread committed (an
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
 * (the writer thread) and OAuth token rotations (`durable`) keep the configured level.
 */
export class MainWrites {
  readonly #commit: GroupCommit<{ op: () => unknown; durable: boolean }, unknown>

  constructor(db: Database) {
    const batch = db.transaction(eachIsolated(db, ({ op }: { op: () => unknown }) => op()))
    const attempt = (ops: { op: () => unknown; durable: boolean }[]): Outcome<unknown>[] | undefined => {
      const level = db.pragma('synchronous', { simple: true }) as number
      const timeout = db.pragma('busy_timeout', { simple: true }) as number
      if (!ops.some((o) => o.durable)) db.pragma('synchronous = NORMAL')
      db.pragma('busy_timeout = 0')
      try {
        return batch.immediate(ops)
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_BUSY') return undefined
        throw err
      } finally {
        db.pragma(`synchronous = ${level}`)
        db.pragma(`busy_timeout = ${timeout}`)
      }
    }
    // the lock is waited for with timers, not inside SQLite's busy handler, which sleeps on the event loop
    this.#commit = new GroupCommit(async (ops) => {
      const deadline = Date.now() + BUSY_TIMEOUT_MS
      for (let wait = 1; ; wait = Math.min(wait * 2, 20)) {
        const done = attempt(ops)
        if (done) return done
        if (Date.now() > deadline) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
        await sleep(wait)
      }
    }, 1024)
  }

  /** `durable`: the batch commits with the connection's own setting (FULL by default): OAuth token rotations */
  run<T>(op: () => T, durable = false): Promise<T> {
    return this.#commit.submit({ op, durable }) as Promise<T>
  }

  flush(): Promise<void> {
    return this.#commit.flush()
  }
}
