import { z } from 'zod'
import { ruleSchema } from '../rules/index.js'

export const DEFAULT_HIGHLEVEL_BASE_URL = 'https://services.leadconnectorhq.com'

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2 }

/** `1048576`, `"512kb"` or `"1mb"` → bytes. */
const byteSize = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+\s*(b|kb|mb)$/i, 'expected a size such as "512kb" or "1mb"').transform((s) => {
    const [, n, unit] = /^(\d+)\s*(b|kb|mb)$/i.exec(s) as RegExpExecArray
    return Number(n) * (SIZE_UNITS[unit!.toLowerCase()] as number)
  }),
])

const secret = z.string().min(1, 'must not be empty')

const privateIntegrationAuth = z.strictObject({
  type: z.literal('private-integration'),
  token: secret,
})

const locationSchema = z.strictObject({
  locationId: z.string().min(1),
  auth: z.discriminatedUnion('type', [privateIntegrationAuth]),
})

const tokenVerify = z.strictObject({
  type: z.literal('token'),
  /** several tokens are accepted at once so a token can be rotated without downtime */
  token: z.union([secret, z.array(secret).min(1)]).transform((t) => (Array.isArray(t) ? t : [t])),
  header: z.string().min(1).default('x-tagrelay-token').transform((h) => h.toLowerCase()),
  query: z.string().min(1).default('token'),
})

const noneVerify = z.strictObject({ type: z.literal('none') })

const sourceSchema = z.strictObject({
  location: z.string().min(1),
  verify: z.discriminatedUnion('type', [tokenVerify, noneVerify]),
})

const serverSchema = z.strictObject({
  host: z.string().min(1).default('0.0.0.0'),
  port: z.number().int().min(0).max(65535).default(8080),
  bodyLimit: byteSize.default(1024 * 1024),
  /** whole-request time limit: a slow sender cannot hold a connection open */
  requestTimeoutMs: z.number().int().positive().default(10_000),
  /** how long shutdown waits for in-flight requests and deliveries */
  shutdownGraceMs: z.number().int().positive().default(10_000),
})

const deliverySchema = z.strictObject({
  enabled: z.boolean().default(true),
  pollIntervalMs: z.number().int().positive().default(500),
  batchSize: z.number().int().min(1).max(500).default(20),
  leaseMs: z.number().int().min(1000).default(30_000),
  retryBaseMs: z.number().int().positive().default(1_000),
  retryMaxMs: z.number().int().positive().default(300_000),
})

const highlevelSchema = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/ }).default(DEFAULT_HIGHLEVEL_BASE_URL),
  timeoutMs: z.number().int().positive().default(15_000),
  locations: z.record(z.string(), locationSchema).default({}),
})

export const configSchema = z
  .strictObject({
    server: serverSchema.prefault({}),
    store: z.strictObject({ url: z.string().min(1).default('sqlite:./data/tagrelay.db') }).prefault({}),
    log: z
      .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .prefault({}),
    highlevel: highlevelSchema.prefault({}),
    delivery: deliverySchema.prefault({}),
    sources: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'source names are letters, digits, - and _'), sourceSchema).default({}),
    rules: z.array(ruleSchema).default([]),
  })

export type Config = z.output<typeof configSchema>
export type ConfigInput = z.input<typeof configSchema>
export type SourceConfig = Config['sources'][string]
export type LocationConfig = Config['highlevel']['locations'][string]
