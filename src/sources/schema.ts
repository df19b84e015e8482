import { z } from 'zod'
import { secretList } from '../common/schema.js'

const tokenVerify = z.strictObject({
  type: z.literal('token'),
  token: secretList,
  header: z.string().min(1).default('x-tagrelay-token').transform((h) => h.toLowerCase()),
  query: z.string().min(1).default('token'),
})

const noneVerify = z.strictObject({ type: z.literal('none') })

export const verifySchema = z.discriminatedUnion('type', [tokenVerify, noneVerify])

/** One entry under `sources:` in the config; the key is the URL segment of /hooks/<name>. */
export const sourceSchema = z.strictObject({
  location: z.string().min(1),
  verify: verifySchema,
})

export type SourceConfig = z.output<typeof sourceSchema>
export type VerifyConfig = z.output<typeof verifySchema>
