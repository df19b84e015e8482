import { z } from 'zod'
import { secretList } from '../../common/schema.js'
import { BadSignatureError, MissingSignatureError } from '../errors.js'
import type { VerifyContext } from '../types.js'
import type { BuiltVerifier } from './built.js'
import { anyDigestMatches, decodeSignature, hmac } from './digest.js'
import { singleHeader } from './read.js'
import { checkTimestamp } from './timestamp.js'

/** `whsec_<base64>` (or bare base64): the key is the decoded bytes, as the spec says. */
const whsecList = secretList.pipe(
  z.array(
    z.string().transform((s, ctx) => {
      const b64 = s.startsWith('whsec_') ? s.slice('whsec_'.length) : s
      const key = decodeSignature(b64, 'base64')
      if (key === undefined || key.length < 16) {
        ctx.addIssue({ code: 'custom', message: 'expected a whsec_<base64> secret of at least 16 bytes' })
        return z.NEVER
      }
      return key
    }),
  ),
)

export const standardWebhooksVerifySchema = z.strictObject({
  type: z.literal('standard-webhooks'),
  secret: whsecList,
  toleranceSeconds: z.number().int().positive().default(300),
})

export type StandardWebhooksConfig = z.output<typeof standardWebhooksVerifySchema>

/**
 * Standard Webhooks (standardwebhooks.com; Svix, Resend, Clerk and others): HMAC-SHA256
 * of "<webhook-id>.<webhook-timestamp>.<body>", base64, in a space-separated list of
 * `v1,<sig>` entries (several during key rotation; other versions are skipped).
 */
export function standardWebhooksVerifier(config: StandardWebhooksConfig, ctx: VerifyContext): BuiltVerifier {
  return {
    secretHeaders: ['webhook-signature'],
    secretQuery: [],
    dedupe: { header: 'webhook-id' },
    verify(req) {
      const id = singleHeader(req, 'webhook-id')
      const timestamp = singleHeader(req, 'webhook-timestamp')
      const value = singleHeader(req, 'webhook-signature')
      if (value === undefined) throw new MissingSignatureError(req.source, 'webhook-signature')
      if (id === undefined) throw new MissingSignatureError(req.source, 'webhook-id')
      if (timestamp === undefined) throw new MissingSignatureError(req.source, 'webhook-timestamp')
      const presented: Buffer[] = []
      for (const entry of value.split(' ')) {
        const [version, sig] = entry.split(',', 2)
        if (version !== 'v1' || sig === undefined) continue
        const bytes = decodeSignature(sig, 'base64')
        if (bytes) presented.push(bytes)
      }
      if (presented.length === 0) throw new BadSignatureError(req.source, 'no v1 signature')
      const expected = config.secret.map((k) => hmac('sha256', k, [id, '.', timestamp, '.', req.rawBody]))
      if (!anyDigestMatches(presented, expected)) throw new BadSignatureError(req.source, 'digest mismatch')
      checkTimestamp(req.source, timestamp, 's', config.toleranceSeconds, ctx.now())
    },
  }
}
