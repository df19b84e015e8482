/** What a condition's step asks for: send a firing alert, a recovery, or nothing. */
export type WatchStep = 'fire' | 'resolve' | null

/**
 * One condition about one subject (a location, a source). It fires once it has held for
 * `afterMs`, again at most once per `quietMs` while it keeps holding, and sends one
 * recovery when it clears after having fired. A condition that clears before it fired
 * says nothing: a 429 pause of a few seconds is not news.
 */
export class Watch {
  #since: number | null = null
  #firedAt: number | null = null

  step(active: boolean, now: number, afterMs: number, quietMs: number): WatchStep {
    if (!active) {
      this.#since = null
      if (this.#firedAt === null) return null
      this.#firedAt = null
      return 'resolve'
    }
    this.#since ??= now
    if (now - this.#since < afterMs) return null
    if (this.#firedAt !== null && now - this.#firedAt < quietMs) return null
    this.#firedAt = now
    return 'fire'
  }

  /** what the store says was last sent: fired at `at` (after a restart or a change of lease holder) */
  restore(at: number): void {
    this.#since ??= at
    this.#firedAt = at
  }

  get since(): number | null {
    return this.#since
  }

  get firing(): boolean {
    return this.#firedAt !== null
  }
}

/** Watches by subject; subjects no longer reported are stepped as cleared. */
export class WatchSet {
  readonly #watches = new Map<string, Watch>()

  /** a subject that fired at `at` before this process checked (the alert outbox remembers it) */
  restore(subject: string, at: number): void {
    let w = this.#watches.get(subject)
    if (!w) this.#watches.set(subject, (w = new Watch()))
    w.restore(at)
  }

  /** steps every subject in `active` as holding and every other known one as cleared */
  step(active: ReadonlySet<string>, now: number, afterMs: number, quietMs: number): Array<[string, WatchStep, Watch]> {
    const out: Array<[string, WatchStep, Watch]> = []
    for (const subject of new Set([...this.#watches.keys(), ...active])) {
      let w = this.#watches.get(subject)
      if (!w) this.#watches.set(subject, (w = new Watch()))
      const s = w.step(active.has(subject), now, afterMs, quietMs)
      if (s) out.push([subject, s, w])
      if (!active.has(subject)) this.#watches.delete(subject)
    }
    return out
  }
}
