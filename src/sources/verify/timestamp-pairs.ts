import { z } from 'zod'
import { secretList } from '../../common/schema.js'
import { BadSignatureError, DuplicateHeaderError, MissingSignatureError } from '../errors.js'
import type { VerifyContext } from '../types.js'
import type { BuiltVerifier } from './built.js'
import { anyDigestMatches, decodeSignature, hmac } from './digest.js'
import { singleHeader } from './read.js'
import { checkTimestamp } from './timestamp.js'

const schemaFor = <N extends 'stripe' | 'calendly'>(name: N) =>
  z.strictObject({
    type: z.literal(name),
    secret: secretList,
    toleranceSeconds: z.number().int().positive().default(300),
  })

export const stripeVerifySchema = schemaFor('stripe')
export const calendlyVerifySchema = schemaFor('calendly')
export type TimestampPairsConfig = z.output<typeof stripeVerifySchema> | z.output<typeof calendlyVerifySchema>

const HEADERS = { stripe: 'stripe-signature', calendly: 'calendly-webhook-signature' } as const

/**
 * `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, the HMAC-SHA256 of "<t>.<body>": Stripe's
 * scheme, which Calendly copied. Stripe sends one v1 per active secret while a secret is
 * being rolled, so any v1 may match. Two `t=` mean two headers were merged: refused.
 */
export function timestampPairsVerifier(config: TimestampPairsConfig, ctx: VerifyContext): BuiltVerifier {
  const header = HEADERS[config.type]
  const keys = config.secret.map((s) => Buffer.from(s, 'utf8'))
  return {
    secretHeaders: [header],
    secretQuery: [],
    // Stripe's event id is in the body; Calendly sends no delivery id
    ...(config.type === 'stripe' ? { dedupe: { path: 'id' } } : {}),
    verify(req) {
      const value = singleHeader(req, header)
      if (value === undefined) throw new MissingSignatureError(req.source, header)
      const t: string[] = []
      const v1: Buffer[] = []
      for (const pair of value.split(',')) {
        const eq = pair.indexOf('=')
        const key = pair.slice(0, eq).trim()
        const val = pair.slice(eq + 1).trim()
        if (key === 't') t.push(val)
        else if (key === 'v1') {
          const sig = decodeSignature(val, 'hex')
          if (sig) v1.push(sig)
        }
      }
      if (t.length > 1) throw new DuplicateHeaderError(req.source, header)
      if (t.length === 0 || !/^\d{1,12}$/.test(t[0]!)) throw new BadSignatureError(req.source, 'no t= timestamp')
      if (v1.length === 0) throw new BadSignatureError(req.source, 'no v1= signature')
      const expected = keys.map((k) => hmac('sha256', k, [t[0]!, '.', req.rawBody]))
      if (!anyDigestMatches(v1, expected)) throw new BadSignatureError(req.source, 'digest mismatch')
      checkTimestamp(req.source, t[0], 's', config.toleranceSeconds, ctx.now())
    },
  }
}
