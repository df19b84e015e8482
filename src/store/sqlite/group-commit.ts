/**
 * Group commit: batches the writes that arrive in one event-loop turn into one
 * transaction, so N concurrent webhooks cost one fsync instead of N.
 *
 * Why per event-loop turn (`setImmediate`) and not a timer window: requests that arrive
 * together are parsed in the same turn, so they meet here without any added wait; a lone
 * request is written at once, and a timer would only add latency to it.
 *
 * Why each write runs in its own savepoint inside the batch: one failing write (a
 * duplicate event id, a bad job) must fail only its own request; the others commit.
 * Writes run in arrival order, so a dedupe key recorded by one is seen by the next one
 * in the same batch. Each caller is resolved only after the whole batch has committed:
 * nobody hears "accepted" before it is durable.
 */
export class GroupCommit<I, O> {
  readonly #queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = []
  readonly #runBatch: (items: I[]) => Array<{ ok: true; value: O } | { ok: false; error: unknown }>
  readonly #maxBatch: number
  #scheduled = false

  /**
   * `runBatch` must run all items in ONE transaction, isolating each in a savepoint,
   * and return one outcome per item; if it throws, the whole batch failed.
   */
  constructor(runBatch: (items: I[]) => Array<{ ok: true; value: O } | { ok: false; error: unknown }>, maxBatch = 256) {
    this.#runBatch = runBatch
    this.#maxBatch = maxBatch
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject })
      if (!this.#scheduled) {
        this.#scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  /** Writes everything queued now (also called before the store closes). */
  flush(): void {
    this.#scheduled = false
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch)
      let outcomes
      try {
        outcomes = this.#runBatch(batch.map((b) => b.item))
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
