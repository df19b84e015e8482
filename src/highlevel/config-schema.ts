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

export const INSTALL_HOSTS = {
  standard: 'https://marketplace.gohighlevel.com',
  'white-label': 'https://marketplace.leadconnectorhq.com',
} as const

/**
 * tagrelay's own HighLevel Marketplace app: installs on sub-accounts (or an agency)
 * through /oauth/install and /oauth/callback, with INSTALL/UNINSTALL app webhooks at
 * /oauth/webhook. Its installed locations live in the store, not in this file.
 */
export const appSchema = z.strictObject({
  clientId: z.string().min(1),
  clientSecret: secret,
  scopes: z
    .array(z.string().regex(/^\S+$/, 'one scope per entry, no spaces'))
    .min(1)
    .default(['contacts.readonly', 'contacts.write', 'locations.readonly', 'oauth.readonly', 'oauth.write']),
  /** where HighLevel sends the admin back: this service's /oauth/callback as the app's settings list it */
  redirectUrl: z.url({ protocol: /^https?$/ }),
  /** which token the callback asks for: one sub-account (Location) or the agency's (Company) */
  userType: z.enum(['Location', 'Company']).default('Location'),
  installHost: z.enum(['standard', 'white-label']).default('standard'),
  /** the choose-location page's origin instead of installHost's (tests point it at the sandbox) */
  installBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** HighLevel's app webhook key (base64 SPKI or PEM); default HighLevel's published Ed25519 key */
  webhookPublicKey: z.string().min(1).optional(),
  refreshMarginMs: z.number().int().min(0).default(300_000),
})

export const highlevelSchema = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/ }).default(DEFAULT_HIGHLEVEL_BASE_URL),
  timeoutMs: z.number().int().positive().default(15_000),
  locations: z.record(z.string(), locationSchema).default({}),
  app: appSchema.optional(),
})

export type LocationConfig = z.output<typeof locationSchema>
export type AuthConfig = z.output<typeof authSchema>
export type AppConfig = z.output<typeof appSchema>
