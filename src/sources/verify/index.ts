import { z } from 'zod'
import type { VerifyContext } from '../types.js'
import type { BuiltVerifier } from './built.js'
import { genericHmacVerifier, hmacVerifySchema } from './hmac.js'
import { highlevelVerifier, highlevelVerifySchema } from './highlevel.js'
import { hmacPresetSchemas, hmacPresetVerifier } from './presets.js'
import { standardWebhooksVerifier, standardWebhooksVerifySchema } from './standard-webhooks.js'
import { calendlyVerifySchema, stripeVerifySchema, timestampPairsVerifier } from './timestamp-pairs.js'
import { noneVerifier, noneVerifySchema, tokenVerifier, tokenVerifySchema } from './token.js'

export type { BuiltVerifier, DedupeSource } from './built.js'
export { HMAC_PRESETS } from './presets.js'

/** `verify:` of a source: one schema per scheme, chosen by `type`. */
export const verifySchema = z.discriminatedUnion('type', [
  tokenVerifySchema,
  noneVerifySchema,
  hmacVerifySchema,
  standardWebhooksVerifySchema,
  stripeVerifySchema,
  calendlyVerifySchema,
  highlevelVerifySchema,
  ...hmacPresetSchemas,
])

export type VerifyConfig = z.output<typeof verifySchema>

export function createVerifier(config: VerifyConfig, ctx: VerifyContext): BuiltVerifier {
  switch (config.type) {
    case 'token':
      return tokenVerifier(config)
    case 'none':
      return noneVerifier()
    case 'hmac':
      return genericHmacVerifier(config, ctx)
    case 'standard-webhooks':
      return standardWebhooksVerifier(config, ctx)
    case 'stripe':
    case 'calendly':
      return timestampPairsVerifier(config, ctx)
    case 'highlevel':
      return highlevelVerifier(config, ctx)
    default:
      return hmacPresetVerifier(config, ctx)
  }
}
