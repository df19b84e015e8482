import { z } from 'zod'
import { secret } from '../common/schema.js'

const name = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'destination names are letters, digits, - and _')

/** The URL of a Slack incoming webhook is itself the credential: it is never logged. */
const slackDestination = z.strictObject({ type: z.literal('slack'), url: z.url() })

/** A JSON webhook signed as Standard Webhooks says (webhook-id, webhook-timestamp, webhook-signature). */
const webhookDestination = z.strictObject({
  type: z.literal('webhook'),
  url: z.url(),
  secret: secret.regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'a Standard Webhooks secret: whsec_ then base64'),
})

export const destinationSchema = z.discriminatedUnion('type', [slackDestination, webhookDestination])
export type DestinationConfig = z.output<typeof destinationSchema>

const minutes = (fallback: number) => z.number().positive().default(fallback)

/** `alerts:` where alerts go, what raises them, and how sends are retried. */
export const alertsSchema = z.strictObject({
  destinations: z.record(name, destinationSchema).default({}),
  /** how often the triggers are checked */
  checkIntervalMs: z.number().int().min(50).default(30_000),
  triggers: z
    .strictObject({
      /** dead letters created: one digest when at least `threshold` are new, then at most one per quiet period */
      deadLetters: z
        .strictObject({
          enabled: z.boolean().default(true),
          threshold: z.number().int().min(1).default(1),
          quietMinutes: minutes(15),
        })
        .prefault({}),
      /** a location held back (daily budget, open circuit, auth failing) longer than `afterMinutes` */
      locationHeld: z
        .strictObject({ enabled: z.boolean().default(true), afterMinutes: minutes(15), quietMinutes: minutes(60) })
        .prefault({}),
      /** signature or token refusals on one source: at least `threshold` within `windowMinutes` */
      refusals: z
        .strictObject({
          enabled: z.boolean().default(true),
          threshold: z.number().int().min(1).default(10),
          windowMinutes: minutes(5),
          quietMinutes: minutes(60),
        })
        .prefault({}),
      /** the oldest pending job of a location older than `afterMinutes`, jobs waiting for their contact left out */
      oldestPending: z
        .strictObject({ enabled: z.boolean().default(true), afterMinutes: minutes(30), quietMinutes: minutes(60) })
        .prefault({}),
      /** jobs waiting for their contact to exist in HighLevel (no `create:`) longer than `afterMinutes`, named */
      contactsAwaited: z
        .strictObject({ enabled: z.boolean().default(true), afterMinutes: minutes(120), quietMinutes: minutes(720) })
        .prefault({}),
    })
    .prefault({}),
  retry: z
    .strictObject({
      /** tries per alert and destination, then it is marked failed */
      maxAttempts: z.number().int().min(1).default(20),
      baseMs: z.number().int().positive().default(5_000),
      maxMs: z.number().int().positive().default(600_000),
    })
    .prefault({}),
  timeoutMs: z.number().int().positive().default(5_000),
  /** sent and failed alerts are deleted after this many days */
  keepDays: z.number().positive().default(30),
})

export type AlertsConfig = z.output<typeof alertsSchema>
