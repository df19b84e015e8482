import { codes } from '../errors.js'
import { HighLevelError, HighLevelRateLimitedError } from '../highlevel/index.js'
import { retryDelay } from './backoff.js'

export interface CircuitPolicy {
  /** consecutive 5xx, timeouts or connection errors that open a location's circuit */
  failures: number
  /** the first probe waits this long; each failed probe doubles it, up to probeMaxMs */
  probeBaseMs: number
  probeMaxMs: number
}

export interface CircuitStatus {
  locationId: string
  open: boolean
  /** epoch ms the circuit opened */
  openedAt: number | null
  /** epoch ms of the next probe */
  probeAt: number | null
  /** what the last failure was */
  lastError: string | null
}

/** A call the open circuit held back: never sent, so it costs its job no attempt. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError'
  constructor(readonly locationId: string) {
    super(`circuit open for location ${locationId}: HighLevel keeps failing; the call was held back`)
  }
}

interface State {
  failures: number
  open: boolean
  openedAt: number
  probeAt: number
  probes: number
  probing: boolean
  lastError: string | null
}

/** True for the answers that say HighLevel itself is down, not that the request was wrong. */
export function isOutage(err: unknown): boolean {
  if (!(err instanceof HighLevelError) || err instanceof HighLevelRateLimitedError) return false
  return err.status === null ? err.code !== codes.TAGRELAY_HL_BAD_RESPONSE : err.status >= 500
}

/**
 * Per-location circuit breaker. Why: during an outage every job of the location retried
 * on its own and spent its attempts on calls that could only fail. After `failures`
 * outage answers in a row the circuit opens: the lane stops claiming, calls already
 * queued are held back (their jobs return unattempted), and after a backoff one call is
 * let through as a probe; its success closes the circuit, its failure doubles the wait.
 * Any other answer (even a 4xx) shows HighLevel is up, and resets the count.
 */
export class CircuitBreaker {
  readonly #states = new Map<string, State>()

  constructor(
    private readonly policy: CircuitPolicy,
    private readonly now: () => number,
    private readonly onChange: (locationId: string, open: boolean, detail: Record<string, unknown>) => void,
  ) {}

  #state(locationId: string): State {
    let s = this.#states.get(locationId)
    if (!s) {
      s = { failures: 0, open: false, openedAt: 0, probeAt: 0, probes: 0, probing: false, lastError: null }
      this.#states.set(locationId, s)
    }
    return s
  }

  /** May the lane claim work? When open, only once a probe is due, and then one job. */
  claimable(locationId: string): 'all' | 'probe' | 'none' {
    const s = this.#state(locationId)
    if (!s.open) return 'all'
    return !s.probing && this.now() >= s.probeAt ? 'probe' : 'none'
  }

  /** When an open circuit lets its next probe through (null when closed): the scheduler wakes the lane then. */
  probeAt(locationId: string): number | null {
    const s = this.#states.get(locationId)
    return s?.open ? s.probeAt : null
  }

  /** Before a call: throws CircuitOpenError unless closed or this call is the probe. */
  admit(locationId: string): boolean {
    const s = this.#state(locationId)
    if (!s.open) return false
    if (s.probing || this.now() < s.probeAt) throw new CircuitOpenError(locationId)
    s.probing = true
    return true
  }

  /** After a call: HighLevel answered (anything but an outage). */
  succeeded(locationId: string): void {
    const s = this.#state(locationId)
    s.failures = 0
    s.probing = false
    if (!s.open) return
    s.open = false
    s.probes = 0
    this.onChange(locationId, false, { openForMs: this.now() - s.openedAt })
  }

  failed(locationId: string, err: unknown): void {
    const s = this.#state(locationId)
    if (!isOutage(err)) {
      if (err instanceof HighLevelError && !(err instanceof HighLevelRateLimitedError)) this.succeeded(locationId)
      else s.probing = false
      return
    }
    s.failures++
    s.lastError = err instanceof Error ? err.message : String(err)
    if (s.open) {
      if (!s.probing) return
      s.probing = false
      s.probes++
      s.probeAt = this.now() + this.#wait(s.probes)
      return
    }
    if (s.failures < this.policy.failures) return
    s.open = true
    s.openedAt = this.now()
    s.probes = 0
    s.probeAt = s.openedAt + this.#wait(0)
    this.onChange(locationId, true, { failures: s.failures, lastError: s.lastError, probeAt: s.probeAt })
  }

  /** The probe never got an answer (shutdown): another may go. */
  released(locationId: string): void {
    this.#state(locationId).probing = false
  }

  status(): CircuitStatus[] {
    return [...this.#states].map(([locationId, s]) => ({
      locationId,
      open: s.open,
      openedAt: s.open ? s.openedAt : null,
      probeAt: s.open ? s.probeAt : null,
      lastError: s.lastError,
    }))
  }

  #wait(probes: number): number {
    const { probeBaseMs, probeMaxMs } = this.policy
    // half fixed, half jitter: replicas' probes spread out, yet never come at once
    const ceiling = Math.min(probeMaxMs, probeBaseMs * 2 ** Math.min(probes, 30))
    return Math.round(ceiling / 2 + retryDelay(probes, { baseMs: probeBaseMs / 2, maxMs: probeMaxMs / 2 }))
  }
}
