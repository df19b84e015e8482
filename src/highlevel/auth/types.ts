/** Why a caller asks for a new access token. */
export interface RefreshRequest {
  reason: 'unauthorized'
  /** the token HighLevel refused: when the current one differs, someone already refreshed */
  rejectedToken: string
}

/**
 * Credentials for one sub-account, resolved per call so tokens can rotate or refresh.
 * `refresh` is optional so a plain `{ locationId, accessToken }` object is enough for a
 * static token; it resolves true when a retry with `accessToken()` may succeed.
 */
export interface LocationAuth {
  locationId: string
  accessToken(): string | Promise<string>
  refresh?(request: RefreshRequest): Promise<boolean>
}

/** What an auth provider is: a `LocationAuth` that always answers `refresh`. */
export interface AuthProvider extends LocationAuth {
  readonly kind: 'private-integration' | 'oauth'
  refresh(request: RefreshRequest): Promise<boolean>
}
