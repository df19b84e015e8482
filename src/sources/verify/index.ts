import type { Verifier } from '../types.js'
import { tokenVerifier, type TokenVerifyConfig } from './token.js'

export type VerifyConfig = TokenVerifyConfig | { type: 'none' }

export function createVerifier(config: VerifyConfig): Verifier {
  switch (config.type) {
    case 'token':
      return tokenVerifier(config)
    case 'none':
      return () => {}
  }
}

/** Header and query names that carry this source's secret: never logged or stored. */
export function secretNames(config: VerifyConfig): { headers: string[]; query: string[] } {
  return config.type === 'token' ? { headers: [config.header], query: [config.query] } : { headers: [], query: [] }
}
