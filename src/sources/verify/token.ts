import { z } from 'zod'
import { secretList } from '../../common/schema.js'
import { BadCredentialError, MissingTokenError } from '../errors.js'
import type { BuiltVerifier } from './built.js'
import { digestMatchesAny, digestSecrets, matchesAny } from './constant-time.js'
import { singleHeader, singleQuery } from './read.js'

export const tokenVerifySchema = z.strictObject({
  type: z.literal('token'),
  token: secretList,
  header: z
    .string()
    .min(1)
    .default('x-tagrelay-token')
    .transform((h) => h.toLowerCase()),
  query: z.string().min(1).default('token'),
})

export type TokenVerifyConfig = z.output<typeof tokenVerifySchema>

/** A shared token in a header (preferred) or the query string, for senders that cannot sign. */
export function tokenVerifier(config: TokenVerifyConfig): BuiltVerifier {
  const secrets = digestSecrets(config.token)
  return {
    secretHeaders: [config.header],
    secretQuery: [config.query],
    credentialHeaders: [config.header],
    verify(req) {
      // an empty header counts as absent, so a valid query token still gets through
      const presented = singleHeader(req, config.header) ?? singleQuery(req, config.query)
      if (presented === undefined) {
        throw new MissingTokenError(req.source, `header ${config.header} or query parameter ${config.query}`)
      }
      const ok = req.credentialsHashed ? digestMatchesAny(presented, secrets) : matchesAny(presented, secrets)
      if (!ok) throw new BadCredentialError(req.source)
    },
  }
}

export const noneVerifySchema = z.strictObject({ type: z.literal('none') })

/** No verification: must be written out in the config, and is logged as a warning at start. */
export function noneVerifier(): BuiltVerifier {
  return { verify: () => {}, secretHeaders: [], secretQuery: [] }
}
