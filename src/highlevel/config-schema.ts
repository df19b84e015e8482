import { z } from 'zod'
import { secret } from '../common/schema.js'

export const DEFAULT_HIGHLEVEL_BASE_URL = 'https://services.leadconnectorhq.com'

const privateIntegrationAuth = z.strictObject({
  type: z.literal('private-integration'),
  token: secret,
})

/**
 * An OAuth app installed on the location. `refreshToken` starts the chain: once a refresh
 * has happened, the rotated token in the store is used instead (refresh tokens are
 * single-use); putting a different refresh token here starts a new chain.
 */
const oauthAuth = z.strictObject({
  type: z.literal('oauth'),
  clientId: z.string().min(1),
  clientSecret: secret,
  refreshToken: secret,
  userType: z.literal('Location').default('Location'),
  /** refresh this long before the access token expires */
  refreshMarginMs: z.number().int().min(0).default(300_000),
})

export const authSchema = z.discriminatedUnion('type', [privateIntegrationAuth, oauthAuth])

/** One HighLevel sub-account under `highlevel.locations`, by a name of the user's choice. */
export const locationSchema = z.strictObject({
  locationId: z.string().min(1),
  auth: authSchema,
})

export const highlevelSchema = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/ }).default(DEFAULT_HIGHLEVEL_BASE_URL),
  timeoutMs: z.number().int().positive().default(15_000),
  locations: z.record(z.string(), locationSchema).default({}),
})

export type LocationConfig = z.output<typeof locationSchema>
export type AuthConfig = z.output<typeof authSchema>
