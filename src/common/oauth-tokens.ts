/**
 * One location's OAuth token pair, as the auth module keeps it and the store saves it.
 * Defined here, below both, because `highlevel/` (which rotates the pair) and `store/`
 * (which keeps it) sit on the same layer and may not import each other.
 */
export interface OAuthTokens {
  /** the OAuth app the tokens were issued to */
  clientId: string
  /** SHA-256 (hex) of the configured refresh token the chain started from */
  seedHash: string
  accessToken: string
  refreshToken: string
  /** epoch ms at which the access token expires */
  expiresAt: number
  /** epoch ms of the save */
  updatedAt: number
}
