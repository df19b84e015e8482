import type { Database } from 'better-sqlite3'

export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown }

/** Runs `fn` on each item in a savepoint of its own (inside the caller's transaction): one outcome each. */
export function eachIsolated<I, O>(db: Database, fn: (item: I) => O): (items: I[]) => Outcome<O>[] {
  const one = db.transaction(fn)
  return (items) =>
    items.map((item): Outcome<O> => {
      try {
        return { ok: true, value: one(item) }
      } catch (error) {
        return { ok: false, error }
      }
    })
}

/**
 * `runBatch` must run all items in ONE transaction, isolating each in a savepoint, and
 * return one outcome per item; if it throws (or rejects), the whole batch failed. It may
 * run synchronously (in-process SQLite) or on another thread (the writer thread).
 */
export type BatchRunner<I, O> = (items: I[]) => Outcome<O>[] | Promise<Outcome<O>[]>

/**
 * Group commit: batches concurrent writes into one transaction, so N concurrent webhooks
 * cost one fsync instead of N.
 *
 * Why batches form around the commit and not on a timer: the first write of a quiet
 * moment is sent at the next event-loop turn (`setImmediate`, so writes parsed in the
 * same turn join it) and never waits for a window. While that batch commits, the writes
 * that arrive queue up and go together as the next batch the moment it has committed:
 * under load a batch is as large as what arrived during one commit (bounded by
 * `maxBatch`), with no tuning knob and no added latency when idle.
 *
 * Why each write runs in its own savepoint inside the batch: one failing write (a
 * duplicate event id, a bad job) must fail only its own request; the others commit.
 * Writes run in arrival order, so a dedupe key recorded by one is seen by the next one
 * in the same batch. Each caller is resolved only after its whole batch has committed:
 * nobody hears "accepted" before it is durable.
 */
export class GroupCommit<I, O> {
  readonly #queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = []
  #scheduled = false
  #draining: Promise<void> | null = null

  constructor(
    private readonly runBatch: BatchRunner<I, O>,
    private readonly maxBatch = 256,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject })
      this.#schedule()
    })
  }

  /** Resolves once everything queued (now or while waiting) has been written; close calls it. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#draining !== null) {
      this.#draining ??= this.#drain().finally(() => {
        this.#draining = null
        // a write queued between the last batch and this callback must not be stranded
        if (this.#queue.length > 0) this.#schedule()
      })
      await this.#draining
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#draining !== null) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      void this.flush()
    })
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.maxBatch)
      let outcomes: Outcome<O>[]
      try {
        outcomes = await this.runBatch(batch.map((b) => b.item))
      } catch (err) {
        for (const b of batch) b.reject(err)
        continue
      }
      batch.forEach((b, i) => {
        const o = outcomes[i]!
        if (o.ok) b.resolve(o.value)
        else b.reject(o.error)
      })
    }
  }
}
