import { z } from 'zod'
import { secret } from '../common/schema.js'

export const DEFAULT_HIGHLEVEL_BASE_URL = 'https://services.leadconnectorhq.com'
/** `highlevel.timeoutMs`: also the client's when it is built without one (tests, the bench) */
export const DEFAULT_HIGHLEVEL_TIMEOUT_MS = 15_000

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

/** HighLevel's own app origins: a Custom Page is framed by one of them (or a white-label domain). */
export const HIGHLEVEL_FRAME_ORIGINS = ['https://app.gohighlevel.com', 'https://app.leadconnectorhq.com'] as const

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * An origin that may frame the Custom Page: `https://host[:port]`, nothing after it (a
 * trailing `/` is dropped). `http:` only on loopback (127.0.0.1, localhost, [::1]), for
 * the sandbox and tests: a white-label domain is always https.
 */
export const frameOrigin = z.string().transform((s, ctx) => {
  let url: URL
  try {
    url = new URL(s)
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a URL: write https://app.example-agency.com' })
    return z.NEVER
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password
  const host = /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/i.test(url.hostname)
  if (!bare || !host || !/^[a-z]+:\/\/[^/?#\s]+\/?$/i.test(s)) {
    ctx.addIssue({
      code: 'custom',
      message: 'an origin only: scheme, host (no wildcard) and port, no path, query or user',
    })
    return z.NEVER
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    ctx.addIssue({ code: 'custom', message: 'https only (http is allowed on 127.0.0.1 and localhost, for tests)' })
  return url.origin
})

/** The Custom Page (tagrelay's console framed in HighLevel) and its single sign-on. */
const customPageSchema = z.strictObject({
  /** origins allowed to frame it besides HighLevel's own: the agency's white-label app domains */
  frameOrigins: z.array(frameOrigin).max(50).default([]),
  /** how long a session opened from HighLevel's user context lasts; HighLevel is asked again after */
  sessionMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
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
  /**
   * the app's Shared Secret (Advanced Settings, Auth): decrypts the user context a Custom
   * Page asks HighLevel for; set, it enables single sign-on at /console/highlevel
   */
  sharedSecret: secret.optional(),
  customPage: customPageSchema.prefault({}),
})

export const highlevelSchema = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/ }).default(DEFAULT_HIGHLEVEL_BASE_URL),
  timeoutMs: z.number().int().positive().default(DEFAULT_HIGHLEVEL_TIMEOUT_MS),
  locations: z.record(z.string(), locationSchema).default({}),
  app: appSchema.optional(),
})

export type LocationConfig = z.output<typeof locationSchema>
export type AuthConfig = z.output<typeof authSchema>
export type AppConfig = z.output<typeof appSchema>
