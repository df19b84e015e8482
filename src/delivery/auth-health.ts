import { HighLevelError } from '../highlevel/index.js'

export interface AuthHealthStatus {
  locationId: string
  /** epoch ms of the first failure of the current run of failures */
  failingSince: number
  lastErrorCode: string
  lastErrorMessage: string
  /** epoch ms the earliest job held by it is due again; null before one is scheduled */
  nextTryAt: number | null
}

const AUTH_CODES = new Set(['TAGRELAY_HL_OAUTH_REFRESH_FAILED', 'TAGRELAY_HL_UNAUTHORIZED', 'TAGRELAY_HL_FORBIDDEN'])

export const isAuthFailureCode = (code: string): boolean => AUTH_CODES.has(code)

/**
 * What the engine saw of each location's credentials. Why here and not in the auth
 * providers: only a real call shows whether a token works (a stored OAuth pair can look
 * valid while HighLevel refuses every refresh), and every call passes through the engine.
 * A failure is remembered until a call of that location succeeds.
 */
export class AuthHealth {
  readonly #failing = new Map<string, AuthHealthStatus>()

  constructor(private readonly now: () => number) {}

  observe(locationId: string, err: unknown): void {
    if (!(err instanceof HighLevelError) || !isAuthFailureCode(err.code)) return
    const was = this.#failing.get(locationId)
    this.#failing.set(locationId, {
      locationId,
      failingSince: was?.failingSince ?? this.now(),
      lastErrorCode: err.code,
      lastErrorMessage: err.message,
      nextTryAt: was?.nextTryAt ?? null,
    })
  }

  succeeded(locationId: string): void {
    this.#failing.delete(locationId)
  }

  /** A job that failed on auth is due again at `at`. */
  scheduled(locationId: string, at: number): void {
    const s = this.#failing.get(locationId)
    if (s) s.nextTryAt = s.nextTryAt === null || s.nextTryAt < this.now() ? at : Math.min(s.nextTryAt, at)
  }

  status(): AuthHealthStatus[] {
    return [...this.#failing.values()].map((s) => ({ ...s }))
  }
}
