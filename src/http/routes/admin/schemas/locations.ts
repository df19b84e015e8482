import { z } from 'zod'
import { errors, json, named, nullableTime, RateLimit } from './common.js'

const origin = z.enum(['config', 'installed']).describe('the YAML file, or an OAuth install')
const state = z
  .enum(['active', 'awaiting-token', 'inactive', 'revoked', 'removed'])
  .describe(
    'awaiting-token: INSTALL webhook seen, code exchange not yet; inactive/revoked: HighLevel said so (Location is not active, app uninstalled); removed: by an admin or an UNINSTALL webhook',
  )

const LocationStatus = named(
  'LocationStatus',
  z.object({
    name: z.string(),
    locationId: z.string(),
    origin,
    disabled: z.boolean(),
    state,
    stateReason: z.string().optional(),
    key: z.string().optional().describe('what its jobs carry (installed: its locationId)'),
    companyId: z.string().nullable().optional(),
    installedAt: nullableTime.optional(),
    tokenSource: z.enum(['config', 'location', 'company']).optional(),
    reconnectUrl: z.string().nullable().optional().describe('where an admin installs the app again (/oauth/install)'),
    queue: z.object({
      pending: z.number().int(),
      dead: z.number().int(),
      oldestPendingAt: nullableTime,
      oldestPendingAgeSec: z.number().int(),
    }),
    rateLimit: RateLimit.nullable().describe(
      'from the last HighLevel answer for this location; null before the first call',
    ),
    paused: z.boolean(),
    pausedReason: z.string().nullable(),
    lookups: z
      .string()
      .describe(
        'how people are looked up at this location: batched Search Contacts, or duplicate searches after the endpoint was refused',
      ),
    auth: z.object({
      type: z.enum(['private-integration', 'oauth']),
      state: z.string(),
      failingSince: nullableTime.optional(),
      lastError: z.object({ code: z.string(), message: z.string() }).optional(),
      reason: z.string().optional(),
      nextTryAt: nullableTime.optional(),
      accessTokenExpiresAt: nullableTime.optional(),
      refreshedAt: nullableTime.optional(),
    }),
  }),
)

/** An installed location as the change routes answer it. */
const InstalledLocation = named(
  'InstalledLocation',
  z.object({
    name: z.string(),
    key: z.string().describe('what its jobs carry (the locationId of an install)'),
    locationId: z.string(),
    origin,
    disabled: z.boolean(),
    state,
    stateReason: z.string().nullable(),
    companyId: z.string().nullable(),
    installedAt: nullableTime,
  }),
)

/** A name can be a URL segment: no slash, no control characters, not blank. */
const nameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^/\\?#\p{Cc}]+$/u, 'a name has no slash, ?, # or control characters')
const nameParam = z.object({
  name: z.string().describe("the location's name, or an installed location's HighLevel locationId"),
})
const wrapped = json(z.object({ location: InstalledLocation }), 'the location as it is now')

export const listLocations = {
  operationId: 'listLocations',
  summary: 'Per-location queue, rate budget, pause state and auth state (YAML and installed locations, paged)',
  querystring: z.strictObject({
    limit: z.coerce.number().int().min(1).max(1000).default(500),
    after: z.string().min(1).optional().describe('next of the previous page'),
    sort: z
      .enum(['attention', 'name', 'pending', 'dead', 'oldest'])
      .default('attention')
      .describe('attention (default): held back and failing first, then with dead letters, then pending'),
    order: z.enum(['asc', 'desc']).default('asc'),
    q: z.string().min(1).max(200).optional().describe('names containing this, any case'),
  }),
  response: {
    200: json(
      z.object({
        locations: z.array(LocationStatus),
        total: z.number().int().describe('how many locations match (every page)'),
        next: z.string().optional().describe('the after of the next page; absent on the last'),
      }),
      'every configured location',
    ),
    ...errors(400, 401),
  },
}

export const addLocation = {
  operationId: 'addLocation',
  summary: 'Add a location of an agency that installed the app (its token is minted when first needed)',
  body: z.strictObject({
    locationId: z.string().min(1).max(100),
    companyId: z.string().min(1).max(100),
    name: nameSchema.optional(),
  }),
  response: { 201: wrapped, ...errors(400, 401, 403, [409, 'already installed, or the name is taken']) },
}

export const changeLocation = {
  operationId: 'changeLocation',
  summary: 'Rename, disable or enable an installed location (no restart)',
  description:
    'A disabled location refuses events (404 TAGRELAY_LOCATION_DISABLED, nothing stored) and its pending jobs wait until it is enabled. Names are unique: a URL may use them (/hooks/<source>/<name>). Locations from the YAML file answer 409 TAGRELAY_LOCATION_FROM_CONFIG.',
  params: nameParam,
  body: z
    .strictObject({ name: nameSchema.optional(), disabled: z.boolean().optional() })
    .refine((b) => b.name !== undefined || b.disabled !== undefined, 'give name and/or disabled'),
  response: { 200: wrapped, ...errors(400, 401, 403, 404, [409, 'a YAML location, or the name is taken']) },
}

export const removeLocation = {
  operationId: 'removeLocation',
  summary: 'Remove an installed location: its pending jobs become dead letters with the reason',
  params: nameParam,
  response: {
    200: json(
      z.object({ removed: z.string(), deadLettered: z.number().int() }),
      'removed; later events for it answer 404 TAGRELAY_LOCATION_GONE',
    ),
    ...errors(401, 403, 404, [409, 'a YAML location']),
  },
}
