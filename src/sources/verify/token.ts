import { BadCredentialError, MissingCredentialError } from '../errors.js'
import type { Verifier } from '../types.js'
import { digestSecrets, matchesAny } from './constant-time.js'

export interface TokenVerifyConfig {
  type: 'token'
  token: string[]
  header: string
  query: string
}

/** A shared token in a header (preferred) or the query string, for senders that cannot sign. */
export function tokenVerifier(config: TokenVerifyConfig): Verifier {
  const secrets = digestSecrets(config.token)
  return (req) => {
    const fromHeader = req.headers[config.header]
    const fromQuery = req.query[config.query]
    // an empty header counts as absent, so a valid query token still gets through
    const presented = first(fromHeader) || first(fromQuery)
    if (presented === undefined || presented === '') {
      throw new MissingCredentialError(req.source, `header ${config.header} or query parameter ${config.query}`)
    }
    if (!matchesAny(presented, secrets)) throw new BadCredentialError(req.source)
  }
}

function first(v: unknown): string | undefined {
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined
  return typeof v === 'string' ? v : undefined
}
