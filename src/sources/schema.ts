import { z } from 'zod'
import { byteSize, secretList } from '../common/schema.js'
import { verifySchema } from './verify/index.js'

/** `server.bodyLimit` (1 MiB): also a source registry's when built without one (commands, tests) */
export const DEFAULT_BODY_LIMIT = 1024 * 1024

export { verifySchema } from './verify/index.js'
export type { VerifyConfig } from './verify/index.js'

/**
 * Dedupe by delivery id. Default (no `dedupe` key): the sender's own id when its preset
 * has one (webhook-id, Stripe event id, X-GitHub-Delivery, X-Shopify-Webhook-Id,
 * HighLevel webhookId). `header` or `path` picks another; `false` turns dedupe off.
 * `bodyHash` also dedupes by a hash of the raw body: on by default where the signature
 * covers only the body (a captured request re-sent with a new delivery id is otherwise
 * a new event), off elsewhere.
 */
/** Kept delivery ids: also what a source without a `dedupe:` key gets (sources/registry.ts). */
export const DEDUPE_RETENTION_HOURS = 24 * 7

const dedupeSchema = z.union([
  z.literal(false),
  z
    .strictObject({
      header: z
        .string()
        .min(1)
        .transform((h) => h.toLowerCase())
        .optional(),
      path: z.string().min(1).optional(),
      bodyHash: z.boolean().optional(),
      retentionHours: z.number().positive().default(DEDUPE_RETENTION_HOURS),
    })
    .refine((d) => !(d.header && d.path), { message: 'give header or path, not both' }),
])

const rateLimitSchema = z.strictObject({
  /** sustained requests per second */
  perSecond: z.number().positive(),
  /** how many may arrive at once; default: perSecond rounded up */
  burst: z.number().int().positive().optional(),
})

/** The GET handshake Meta (Lead Ads, WhatsApp, Instagram) makes when a webhook is registered. */
const handshakeSchema = z.strictObject({
  type: z.literal('meta'),
  verifyToken: secretList,
})

/**
 * Where a source's events go: one fixed location (its name under highlevel.locations),
 * the location named in the URL (`POST /hooks/<source>/<location>`: a YAML name, an
 * installed location's name or its HighLevel locationId), or one read from the payload
 * (HighLevel's own webhooks carry `locationId`).
 */
export const sourceLocationSchema = z.union([
  z.string().min(1),
  z.strictObject({
    from: z.literal('url'),
    /** the only locations it serves (YAML names, installed names or locationIds); others: 404 before the body */
    locations: z.array(z.string().min(1)).min(1).optional(),
    /**
     * `shared`: one secret for every location (any client holding it can post for any
     * location); `per-location`: each location's own secret, derived from the configured
     * one and its locationId (`tagrelay location-secrets` shows them); `per-location-or-shared`:
     * both, while senders move over (accepts with the shared one are counted)
     */
    credentials: z.enum(['shared', 'per-location', 'per-location-or-shared']).default('shared'),
  }),
  z.strictObject({ from: z.literal('body'), path: z.string().min(1) }),
])

/** One entry under `sources:` in the config; the key is the URL segment of /hooks/<name>. */
export const sourceSchema = z
  .strictObject({
    location: sourceLocationSchema,
    verify: verifySchema,
    /** default: server.bodyLimit (1 MiB) */
    bodyLimit: byteSize.optional(),
    rateLimit: rateLimitSchema.optional(),
    dedupe: dedupeSchema.optional(),
    handshake: handshakeSchema.optional(),
    sample: z
      .string()
      .min(1)
      .optional()
      .describe(
        'a JSON file with a sample body from this sender, relative to the config file: tagrelay check warns when a rule path finds nothing in it',
      ),
  })
  .superRefine((s, ctx) => {
    const perLocation =
      typeof s.location !== 'string' && 'credentials' in s.location && s.location.credentials !== 'shared'
    if (perLocation && (s.verify.type === 'none' || s.verify.type === 'highlevel'))
      ctx.addIssue({
        code: 'custom',
        path: ['location', 'credentials'],
        message: `per-location credentials derive from a secret: verify.type ${s.verify.type} has none`,
      })
  })

export type SourceConfig = z.output<typeof sourceSchema>
export type SourceLocation = z.output<typeof sourceLocationSchema>
export type DedupeConfig = z.output<typeof dedupeSchema>
export type RateLimitConfig = z.output<typeof rateLimitSchema>
