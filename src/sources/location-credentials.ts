import { createHmac } from 'node:crypto'
import type { VerifyConfig } from './verify/index.js'

/**
 * Per-location credentials for a source routed by URL (`POST /hooks/<source>/<location>`).
 *
 * Why derived rather than listed: one secret in the config (rotated as a list, as any
 * secret) gives every location its own, present and future (an install adds a location
 * without a config change), and nothing per location is stored. The derivation is
 * HMAC-SHA256(configured secret, "tagrelay/location/v1:" + HighLevel locationId): bound
 * to the locationId, so a location's YAML name, installed name or id in the URL all take
 * the same secret, and a rename changes nothing. Knowing one location's secret tells
 * nothing of another's, nor of the configured secret.
 */
const LABEL = 'tagrelay/location/v1:'

const derive = (key: string | Buffer, locationId: string): Buffer =>
  createHmac('sha256', key)
    .update(LABEL + locationId)
    .digest()

/** A location's secret as its sender is given it: base64url text (a whsec_ key for Standard Webhooks). */
export function locationSecret(verify: VerifyConfig, locationId: string, index = 0): string {
  if (verify.type === 'none' || verify.type === 'highlevel')
    throw new Error(`verify.type ${verify.type} has no secret to derive from`)
  if (verify.type === 'token') return derive(verify.token[index]!, locationId).toString('base64url')
  if (verify.type === 'standard-webhooks')
    return `whsec_${derive(verify.secret[index]!, locationId).toString('base64')}`
  return derive(verify.secret[index]!, locationId).toString('base64url')
}

/** The source's verify config with each secret replaced by the location's own. */
export function locationVerifyConfig(verify: VerifyConfig, locationId: string): VerifyConfig {
  switch (verify.type) {
    case 'none':
    case 'highlevel':
      return verify
    case 'token':
      return { ...verify, token: verify.token.map((_, i) => locationSecret(verify, locationId, i)) }
    case 'standard-webhooks':
      // the verifier takes the decoded key, as the schema made it
      return { ...verify, secret: verify.secret.map((k) => derive(k, locationId)) }
    default:
      return { ...verify, secret: verify.secret.map((_, i) => locationSecret(verify, locationId, i)) } as VerifyConfig
  }
}
