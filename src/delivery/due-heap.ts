/**
 * A min-heap of (time, location): the scheduler's one timer waits for its top. A
 * location has at most one live entry; pushing it again replaces it (the old entry is
 * skipped when it surfaces), so a heap operation costs O(log n) and nothing scans.
 */
export class DueHeap {
  readonly #items: { at: number; location: string }[] = []
  readonly #live = new Map<string, number>()

  get size(): number {
    return this.#live.size
  }

  /** Schedules `location` at `at`; an earlier live entry for it wins. */
  push(location: string, at: number): void {
    const live = this.#live.get(location)
    if (live !== undefined && live <= at) return
    this.#live.set(location, at)
    this.#items.push({ at, location })
    this.#up(this.#items.length - 1)
  }

  delete(location: string): void {
    this.#live.delete(location)
  }

  /** The earliest live time, or null. */
  peek(): number | null {
    this.#dropStale()
    return this.#items[0]?.at ?? null
  }

  /** Removes and returns every location due at `now`. */
  popDue(now: number): string[] {
    const due: string[] = []
    for (this.#dropStale(); this.#items.length > 0 && this.#items[0]!.at <= now; this.#dropStale()) {
      const top = this.#pop()
      this.#live.delete(top.location)
      due.push(top.location)
    }
    return due
  }

  #dropStale(): void {
    while (this.#items.length > 0) {
      const top = this.#items[0]!
      if (this.#live.get(top.location) === top.at) return
      this.#pop()
    }
  }

  #pop(): { at: number; location: string } {
    const items = this.#items
    const top = items[0]!
    const last = items.pop()!
    if (items.length > 0) {
      items[0] = last
      this.#down(0)
    }
    return top
  }

  #up(i: number): void {
    const items = this.#items
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (items[parent]!.at <= items[i]!.at) return
      ;[items[parent], items[i]] = [items[i]!, items[parent]!]
      i = parent
    }
  }

  #down(i: number): void {
    const items = this.#items
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < items.length && items[l]!.at < items[m]!.at) m = l
      if (r < items.length && items[r]!.at < items[m]!.at) m = r
      if (m === i) return
      ;[items[m], items[i]] = [items[i]!, items[m]!]
      i = m
    }
  }
}
