import { z } from 'zod'
import { byteSize } from '../common/schema.js'
import { highlevelSchema } from '../highlevel/config-schema.js'
import { ruleOptionsSchema, ruleSchema } from '../rules/index.js'
import { DEFAULT_BODY_LIMIT, sourceSchema } from '../sources/schema.js'
import { parseStoreUrl } from '../store/index.js'
import { refusedSchema } from '../refused/schema.js'
import { alertsSchema } from '../alerts/schema.js'

export const serverSchema = z.strictObject({
  host: z.string().min(1).default('0.0.0.0').describe('the address to listen on (TAGRELAY_HOST)'),
  port: z.number().int().min(0).max(65535).default(8080).describe('the port to listen on (TAGRELAY_PORT)'),
  bodyLimit: byteSize.default(DEFAULT_BODY_LIMIT),
  publicUrl: z
    .url()
    .optional()
    .describe('the public base URL senders call (https://tags.example.com): HubSpot v3 signs the full URL'),
  /** whole-request time limit: a slow sender cannot hold a connection open */
  requestTimeoutMs: z.number().int().positive().default(10_000),
  /** the request line and headers must arrive within this (slow-header clients); at most requestTimeoutMs */
  headersTimeoutMs: z.number().int().positive().default(5_000),
  /** how long shutdown waits for in-flight requests and deliveries */
  shutdownGraceMs: z.number().int().positive().default(10_000),
  /** webhook bodies above `overBytes` (or of unknown length) are read `atOnce` at a time (http/body-gate.ts) */
  largeBodies: z
    .strictObject({
      overBytes: byteSize.default(64 * 1024),
      atOnce: z.number().int().min(1).max(1000).default(2),
    })
    .default({ overBytes: 64 * 1024, atOnce: 2 }),
})

export const deliverySchema = z.strictObject({
  enabled: z.boolean().default(true),
  pollIntervalMs: z.number().int().positive().default(500),
  /** jobs one location's lane claims per round: more jobs, more coalescing and bulk */
  batchSize: z.number().int().min(1).max(50_000).default(10_000),
  leaseMs: z.number().int().min(1000).default(30_000),
  retryBaseMs: z.number().int().positive().default(1_000),
  retryMaxMs: z.number().int().positive().default(3_600_000),
  /** retries stop (dead letter) after this many attempts or this age, whichever first: about 3 days */
  retryMaxAttempts: z.number().int().min(1).default(150),
  retryMaxAgeHours: z.number().positive().default(72),
  /** HighLevel calls in flight at once per location */
  inFlightPerLocation: z.number().int().min(1).max(100).default(10),
  /** contacts per bulk tag call (HighLevel accepts up to 100) */
  bulkSize: z.number().int().min(1).max(100).default(100),
  /**
   * people per Search Contacts call (one OR group of their emails and phones); 1 turns
   * batching off (one duplicate search per person). HighLevel does not document the
   * largest OR group: 50 is a conservative default
   */
  searchBatchSize: z.number().int().min(1).max(500).default(50),
  /** how long an email/phone -> contact id lookup is trusted */
  contactCacheTtlHours: z.number().positive().default(24),
  /** a contact not found, without create:, is looked for again (with backoff) this long, then dead-lettered */
  contactNotFoundRetryHours: z.number().positive().default(24),
  /** per location: this many 5xx/timeouts/connection errors in a row stop its deliveries until a probe succeeds */
  circuitBreaker: z
    .strictObject({
      failures: z.number().int().min(1).default(5),
      probeBaseMs: z.number().int().positive().default(1_000),
      probeMaxMs: z.number().int().positive().default(60_000),
    })
    .prefault({}),
  rateLimit: z
    .strictObject({
      /** requests per interval per location (HighLevel: 100 per 10 s) */
      max: z.number().int().positive().default(100),
      intervalMs: z.number().int().positive().default(10_000),
      /** share of each interval's budget left unused, for clock skew and other clients */
      safetyMargin: z.number().min(0).max(0.5).default(0.03),
      /** when the daily remaining falls to this, the location pauses until the day resets */
      dailyReserve: z.number().int().min(0).default(1_000),
      /** on PostgreSQL, replicas share each location's budget through the database (false: each keeps its own) */
      shared: z.boolean().default(true),
    })
    .prefault({}),
})

export const storeSchema = z.strictObject({
  url: z
    .string()
    .min(1)
    .default('sqlite:./data/tagrelay.db')
    .superRefine((url, ctx) => {
      try {
        parseStoreUrl(url)
      } catch (err) {
        // the message quotes the scheme only: a PostgreSQL URL carries a password
        ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^store\.url: /, '') })
      }
    }),
  /** apply pending migrations at start (false: only `tagrelay migrate` does, replicas just check) */
  migrate: z.boolean().default(true),
  secretKey: z
    .string()
    .min(16, 'a secret key needs at least 16 characters')
    .optional()
    .describe('encrypts stored OAuth tokens at rest (AES-256-GCM) when set (TAGRELAY_SECRET_KEY)'),
  /** refuse to start without secretKey, so OAuth tokens are never stored in plain text (TAGRELAY_REQUIRE_SECRET_KEY) */
  requireSecretKey: z.boolean().default(false),
  /** delivered events (all jobs done) and their attempts are deleted after maxAgeMs; dead letters are kept */
  retention: z
    .strictObject({
      maxAgeMs: z
        .number()
        .int()
        .positive()
        .default(7 * 86_400_000),
      everyMs: z.number().int().min(1000).default(3_600_000),
    })
    .prefault({}),
  sqlite: z
    .strictObject({
      synchronous: z.enum(['FULL', 'NORMAL']).default('FULL'),
      writerThread: z.boolean().default(true),
    })
    .prefault({}),
  postgres: z
    .strictObject({
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/i, 'a schema name is letters, digits and _')
        .default('public'),
      poolSize: z.number().int().min(1).max(100).default(10),
    })
    .prefault({}),
})

const optionalToken = (what: string) =>
  z
    .string()
    .refine((t) => t === '' || t.length >= 16, { message: `${what} needs at least 16 characters` })
    .optional()
    .transform((t) => (t === '' ? undefined : t))

/**
 * Admin routes (`/admin/...`) and the console (`/console`) need the admin token; without
 * one they answer 404. `viewerToken` signs in read-only (the console for account managers).
 */
const adminSchema = z
  .strictObject({
    token: optionalToken('an admin token'),
    viewerToken: optionalToken('a viewer token'),
    /** how long a console session lasts after sign-in */
    sessionMinutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(480),
    /** wrong tokens (sign-in or bearer) per client address before it is held; holds double from 1 s */
    throttle: z
      .strictObject({
        freeFailures: z.number().int().min(1).max(1000).default(10),
        maxDelaySeconds: z.number().int().min(1).max(86_400).default(300),
      })
      .prefault({}),
  })
  .refine((a) => a.viewerToken === undefined || a.viewerToken !== a.token, {
    message: 'admin.viewerToken must differ from admin.token',
    path: ['viewerToken'],
  })

/** `/metrics`: open by default (bind it to an internal network), or behind its own bearer token. */
const metricsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  token: z
    .string()
    .refine((t) => t === '' || t.length >= 16, { message: 'a metrics token needs at least 16 characters' })
    .optional()
    .transform((t) => (t === '' ? undefined : t)),
  /** label installed locations by their HighLevel locationId; default: counted together as `installed` */
  locationLabels: z.boolean().default(false),
})

/** Backpressure on /hooks (@fastify/under-pressure): 0 turns a threshold off. */
const overloadSchema = z.strictObject({
  enabled: z.boolean().default(true),
  maxEventLoopDelayMs: z.number().int().min(0).default(1000),
  /** 0..1 */
  maxEventLoopUtilization: z.number().min(0).max(1).default(0),
  maxHeapUsedBytes: z.union([z.literal(0), byteSize]).default(0),
  maxRssBytes: z.union([z.literal(0), byteSize]).default(0),
  /** seconds senders are told to wait (Retry-After) */
  retryAfterSec: z.number().int().positive().default(10),
  sampleIntervalMs: z.number().int().positive().default(1000),
})

export const configSchema = z.strictObject({
  server: serverSchema.prefault({}).describe('the HTTP listener: address, port, body size, time limits'),
  store: storeSchema
    .refine((s) => !s.requireSecretKey || s.secretKey !== undefined, {
      message:
        'store.requireSecretKey is true but TAGRELAY_SECRET_KEY (store.secretKey) is not set: OAuth tokens would be stored in plain text',
      path: ['requireSecretKey'],
    })
    .prefault({})
    .describe('where events and jobs are kept: sqlite:<path> (one process) or postgres://... (replicas)'),
  log: z
    .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .prefault({})
    .describe('pino JSON logs on stdout'),
  highlevel: highlevelSchema
    .prefault({})
    .describe('HighLevel locations (sub-accounts) and how to authenticate to each: private integration or OAuth'),
  delivery: deliverySchema
    .prefault({})
    .describe('the delivery engine: polling, batching, retries, the per-location rate budget'),
  sources: z
    .record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'source names are letters, digits, - and _'), sourceSchema)
    .default({})
    .describe('senders, by name: each is POST /hooks/<name>, verified as `verify` says, for one location'),
  rulesFrom: z
    .array(z.string().min(1))
    .default([])
    .describe('rules files and folders (every *.yaml / *.yml inside), relative to this config file'),
  ruleOptions: ruleOptionsSchema.prefault({}).describe('settings shared by every rule (tag case, phone region, ...)'),
  rules: z
    .array(ruleSchema)
    .default([])
    .describe('rules: when an event from `source` matches `when`, add `tags` to (or remove `untag` from) `contact`'),
  admin: adminSchema.prefault({}).describe('the /admin API (events, dead letters, rule tests); off without a token'),
  metrics: metricsSchema.prefault({}).describe('Prometheus /metrics'),
  overload: overloadSchema.prefault({}).describe('backpressure on /hooks: answer 503 with Retry-After when overloaded'),
  refused: refusedSchema
    .prefault({})
    .describe('requests refused for a signature or token, kept per source for GET /admin/refused and re-verify'),
  alerts: alertsSchema
    .prefault({})
    .describe('alerts to Slack-compatible and Standard Webhooks destinations: dead letters, held locations, refusals'),
})

export type Config = z.output<typeof configSchema>
export type ConfigInput = z.input<typeof configSchema>
export type { SourceConfig } from '../sources/schema.js'
export type { AppConfig, LocationConfig } from '../highlevel/config-schema.js'
