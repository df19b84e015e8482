import { z } from 'zod'
import { secretList } from '../../common/schema.js'
import type { VerifyContext } from '../types.js'
import type { BuiltVerifier, DedupeSource } from './built.js'
import type { HmacSpec } from './hmac-engine.js'
import { hmacVerifier, signsBodyOnly } from './hmac-engine.js'

/**
 * Senders whose scheme is "an HMAC of some request bytes in one header": each preset is
 * data for the one HMAC engine rather than its own code, so a fix to decoding, prefix
 * handling or constant-time comparison reaches every sender at once.
 */
type Preset = Omit<HmacSpec, 'secrets' | 'toleranceSeconds' | 'publicUrl'> & { dedupe?: DedupeSource }

const base = { algorithm: 'sha256', prefix: '', signedContent: '{body}', timestampUnit: 's' } as const

export const HMAC_PRESETS = {
  /** Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body> */
  typeform: { ...base, header: 'typeform-signature', encoding: 'base64', prefix: 'sha256=' },
  /** X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body> */
  shopify: { ...base, header: 'x-shopify-hmac-sha256', encoding: 'base64', dedupe: { header: 'x-shopify-webhook-id' } },
  /** X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body> */
  github: {
    ...base,
    header: 'x-hub-signature-256',
    encoding: 'hex',
    prefix: 'sha256=',
    dedupe: { header: 'x-github-delivery' },
  },
  /** Meta (Facebook/Instagram/WhatsApp, Lead Ads): the app secret, same header as GitHub */
  meta: { ...base, header: 'x-hub-signature-256', encoding: 'hex', prefix: 'sha256=' },
  /** X-Cal-Signature-256: <hex HMAC-SHA256 of the body> */
  'cal-com': { ...base, header: 'x-cal-signature-256', encoding: 'hex' },
  /** Tally-Signature: <base64 HMAC-SHA256 of the body> */
  tally: { ...base, header: 'tally-signature', encoding: 'base64' },
  /** x-webflow-signature: hex HMAC-SHA256 of "<x-webflow-timestamp>:<body>", timestamp in ms */
  webflow: {
    ...base,
    header: 'x-webflow-signature',
    encoding: 'hex',
    signedContent: '{timestamp}:{body}',
    timestampHeader: 'x-webflow-timestamp',
    timestampUnit: 'ms',
  },
  /** X-HubSpot-Signature-v3: base64 HMAC-SHA256 of method + URI + body + timestamp (ms) */
  'hubspot-v3': {
    ...base,
    header: 'x-hubspot-signature-v3',
    encoding: 'base64',
    signedContent: '{method}{url}{body}{timestamp}',
    timestampHeader: 'x-hubspot-request-timestamp',
    timestampUnit: 'ms',
    hubspotUriDecode: true,
  },
} as const satisfies Record<string, Preset>

export type HmacPresetName = keyof typeof HMAC_PRESETS

const presetSchema = <N extends HmacPresetName>(name: N) =>
  z.strictObject({
    type: z.literal(name),
    secret: secretList,
    toleranceSeconds: z.number().int().positive().default(300),
    /** hubspot-v3: the public base URL HubSpot calls (else server.publicUrl, else https://<Host>) */
    publicUrl: z.url().optional(),
  })

export const hmacPresetSchemas = [
  presetSchema('typeform'),
  presetSchema('shopify'),
  presetSchema('github'),
  presetSchema('meta'),
  presetSchema('cal-com'),
  presetSchema('tally'),
  presetSchema('webflow'),
  presetSchema('hubspot-v3'),
] as const

export type HmacPresetConfig = z.output<(typeof hmacPresetSchemas)[number]>

export function hmacPresetVerifier(config: HmacPresetConfig, ctx: VerifyContext): BuiltVerifier {
  const { dedupe, ...preset } = HMAC_PRESETS[config.type] as Preset
  const spec: HmacSpec = {
    ...preset,
    secrets: config.secret,
    toleranceSeconds: config.toleranceSeconds,
    publicUrl: config.publicUrl,
  }
  const secretHeaders = [preset.header]
  return {
    verify: hmacVerifier(spec, ctx),
    secretHeaders,
    secretQuery: [],
    signsBodyOnly: signsBodyOnly(spec),
    ...(dedupe ? { dedupe } : {}),
  }
}
