import type { Verifier } from '../types.js'
import type { VerifyConfig } from '../schema.js'
import { tokenVerifier } from './token.js'

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
