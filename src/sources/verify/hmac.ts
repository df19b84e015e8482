import { z } from 'zod'
import { secretList } from '../../common/schema.js'
import type { VerifyContext } from '../types.js'
import type { BuiltVerifier } from './built.js'
import { hmacVerifier, signsBodyOnly } from './hmac-engine.js'

const headerName = z
  .string()
  .min(1)
  .transform((h) => h.toLowerCase())

/** The generic scheme, for any sender that HMACs its request into one header. */
export const hmacVerifySchema = z
  .strictObject({
    type: z.literal('hmac'),
    secret: secretList,
    header: headerName,
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    prefix: z.string().default(''),
    signedContent: z.string().min(1).default('{body}'),
    timestampHeader: headerName.optional(),
    timestampUnit: z.enum(['s', 'ms']).default('s'),
    toleranceSeconds: z.number().int().positive().default(300),
    publicUrl: z.url().optional(),
  })
  .refine((c) => !c.signedContent.includes('{timestamp}') || c.timestampHeader !== undefined, {
    message: 'signedContent uses {timestamp}: set timestampHeader',
    path: ['timestampHeader'],
  })

export type HmacVerifyConfig = z.output<typeof hmacVerifySchema>

export function genericHmacVerifier(config: HmacVerifyConfig, ctx: VerifyContext): BuiltVerifier {
  return {
    verify: hmacVerifier({ ...config, secrets: config.secret }, ctx),
    secretHeaders: [config.header],
    secretQuery: [],
    signsBodyOnly: signsBodyOnly(config),
  }
}
