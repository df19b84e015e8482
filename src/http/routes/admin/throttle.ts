import { codes, TagrelayError } from '../../../errors.js'

/** Too many wrong tokens from one address: held for a while (Retry-After). */
export class AdminThrottledError extends TagrelayError {
  constructor(readonly retryAfterSec: number) {
    super(
      codes.TAGRELAY_ADMIN_THROTTLED,
      `too many wrong tokens from this address: try again in ${retryAfterSec} s (each further wrong token doubles the wait)`,
    )
  }
}

export interface ThrottleSettings {
  /** wrong tokens an address may send before it is held */
  freeFailures: number
  /** the longest hold, in seconds (holds double from 1 s up to it) */
  maxDelaySeconds: number
}

interface Record_ {
  failures: number
  heldUntil: number
  lastAt: number
}

/** Addresses remembered at most (the oldest is forgotten first): a flood of addresses costs bounded memory. */
const MAX_ADDRESSES = 10_000

/**
 * Wrong admin/viewer tokens (sign-in and bearer) per client address, in this process.
 * After `freeFailures` wrong tokens the address is held 1 s, then each further wrong
 * token (tried once the hold is over) doubles the hold, up to `maxDelaySeconds`; while
 * held, no token from it is even compared. A right token does not reset the count (a
 * viewer must not buy admin guesses with it); an address quiet for the longest hold
 * starts afresh.
 */
export class AuthThrottle {
  readonly #by = new Map<string, Record_>()

  constructor(
    private readonly settings: ThrottleSettings,
    private readonly now: () => number,
  ) {}

  /** Throws AdminThrottledError while `address` is held. */
  check(address: string): void {
    const r = this.#live(address)
    const left = r === undefined ? 0 : r.heldUntil - this.now()
    if (left > 0) throw new AdminThrottledError(Math.ceil(left / 1000))
  }

  failed(address: string): void {
    const now = this.now()
    const r = this.#live(address) ?? { failures: 0, heldUntil: 0, lastAt: now }
    r.failures++
    r.lastAt = now
    const over = r.failures - this.settings.freeFailures
    if (over >= 0) r.heldUntil = now + Math.min(this.settings.maxDelaySeconds, 2 ** Math.min(over, 30)) * 1000
    this.#by.delete(address)
    this.#by.set(address, r)
    if (this.#by.size > MAX_ADDRESSES) this.#by.delete(this.#by.keys().next().value as string)
  }

  #live(address: string): Record_ | undefined {
    const r = this.#by.get(address)
    if (r && this.now() - Math.max(r.lastAt, r.heldUntil) > this.settings.maxDelaySeconds * 1000) {
      this.#by.delete(address)
      return undefined
    }
    return r
  }
}
