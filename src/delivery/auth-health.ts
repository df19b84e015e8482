import { codes } from '../errors.js'
import { HighLevelError } from '../highlevel/index.js'
import type { AuthFailureStore } from '../store/index.js'

export interface AuthHealthStatus {
  locationId: string
  /** epoch ms of the first failure of the current run of failures */
  failingSince: number
  lastErrorCode: string
  lastErrorMessage: string
  /** epoch ms the earliest job held by it is due again; null before one is scheduled */
  nextTryAt: number | null
}

const AUTH_CODES: ReadonlySet<string> = new Set([
  codes.TAGRELAY_HL_OAUTH_REFRESH_FAILED,
  codes.TAGRELAY_HL_UNAUTHORIZED,
  codes.TAGRELAY_HL_FORBIDDEN,
])

export const isAuthFailureCode = (code: string): boolean => AUTH_CODES.has(code)

/**
 * What the engine saw of each location's credentials. Why here and not in the auth
 * providers: only a real call shows whether a token works (a stored OAuth pair can look
 * valid while HighLevel refuses every refresh), and every call passes through the engine.
 * A failure is remembered until a call of that location succeeds.
 *
 * With a `store`, the start of each run of failures is kept there too, so "failing since"
 * survives a restart: `load()` reads it back before the first round. The store is written
 * only when the state changes (a run starts, its code changes, it ends); a success of a
 * location with nothing stored writes nothing. Writes are queued one after another off the
 * call's path; a failed write is reported to `onError` and costs nothing but the memory.
 */
export class AuthHealth {
  readonly #failing = new Map<string, AuthHealthStatus>()
  /** locations with a row in the store, and the code it holds */
  readonly #stored = new Map<string, string>()
  #writes: Promise<void> = Promise.resolve()
  #loaded: Promise<void> | undefined

  constructor(
    private readonly now: () => number,
    private readonly store?: AuthFailureStore,
    private readonly onError: (err: unknown, doing: string) => void = () => {},
  ) {}

  /** Reads the runs of failures a previous process left (once; later calls share the first). */
  load(): Promise<void> {
    return (this.#loaded ??= this.#load())
  }

  async #load(): Promise<void> {
    if (!this.store) return
    try {
      for (const row of await this.store.list()) {
        const seen = this.#failing.get(row.locationId)
        this.#stored.set(row.locationId, row.lastCode)
        this.#failing.set(row.locationId, {
          locationId: row.locationId,
          failingSince: Math.min(row.failingSince, seen?.failingSince ?? Infinity),
          lastErrorCode: seen?.lastErrorCode ?? row.lastCode,
          lastErrorMessage: seen?.lastErrorMessage ?? row.lastMessage,
          nextTryAt: seen?.nextTryAt ?? null,
        })
      }
    } catch (err) {
      this.onError(err, 'reading the locations whose credentials were failing')
    }
  }

  observe(locationId: string, err: unknown): void {
    if (!(err instanceof HighLevelError) || !isAuthFailureCode(err.code)) return
    const was = this.#failing.get(locationId)
    const now: AuthHealthStatus = {
      locationId,
      failingSince: was?.failingSince ?? this.now(),
      lastErrorCode: err.code,
      lastErrorMessage: err.message,
      nextTryAt: was?.nextTryAt ?? null,
    }
    this.#failing.set(locationId, now)
    const store = this.store
    if (!store || this.#stored.get(locationId) === err.code) return
    this.#stored.set(locationId, err.code)
    this.#write("recording that a location's credentials fail", () =>
      store.record({
        locationId,
        failingSince: now.failingSince,
        lastCode: now.lastErrorCode,
        lastMessage: now.lastErrorMessage,
      }),
    )
  }

  succeeded(locationId: string): void {
    this.#failing.delete(locationId)
    const store = this.store
    if (!store || !this.#stored.delete(locationId)) return
    this.#write("recording that a location's credentials work again", () => store.clear(locationId))
  }

  /** A job that failed on auth is due again at `at`. */
  scheduled(locationId: string, at: number): void {
    const s = this.#failing.get(locationId)
    if (s) s.nextTryAt = s.nextTryAt === null || s.nextTryAt < this.now() ? at : Math.min(s.nextTryAt, at)
  }

  status(): AuthHealthStatus[] {
    return [...this.#failing.values()].map((s) => ({ ...s }))
  }

  /** Resolves once every write asked for so far is done (or failed and reported). */
  flush(): Promise<void> {
    return this.#writes
  }

  #write(doing: string, op: () => Promise<void>): void {
    this.#writes = this.#writes.then(op).catch((err: unknown) => this.onError(err, doing))
  }
}
