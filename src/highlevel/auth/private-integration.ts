import type { AuthProvider } from './types.js'

/**
 * A Private Integration Token: static, made in the HighLevel UI, never refreshed. A 401
 * cannot be cured here, so `refresh` says no and the client surfaces the 401 as a
 * retryable error: once the operator fixes the token and restarts, queued jobs proceed.
 */
export class PrivateIntegrationAuth implements AuthProvider {
  readonly kind = 'private-integration' as const
  readonly #token: string

  constructor(
    readonly locationId: string,
    token: string,
  ) {
    this.#token = token
  }

  accessToken(): string {
    return this.#token
  }

  async refresh(): Promise<boolean> {
    return false
  }
}
