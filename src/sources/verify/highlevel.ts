import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto'
import sjson from 'secure-json-parse'
import { z } from 'zod'
import { BadSignatureError, MissingSignatureError } from '../errors.js'
import type { VerifyContext } from '../types.js'
import type { BuiltVerifier } from './built.js'
import { decodeSignature } from './digest.js'
import { HIGHLEVEL_ED25519_KEY, HIGHLEVEL_RSA_KEY } from './highlevel-keys.js'
import { singleHeader } from './read.js'
import { assertFresh } from './timestamp.js'

/** A PEM block or bare base64 SPKI DER; parsed once at config load so a bad key fails the start. */
const publicKeys = (type: 'ed25519' | 'rsa') =>
  z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v, ctx) => {
    const keys: KeyObject[] = []
    for (const text of Array.isArray(v) ? v : [v]) {
      try {
        const key = text.includes('-----BEGIN')
          ? createPublicKey(text)
          : createPublicKey({ key: Buffer.from(text.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' })
        if (key.asymmetricKeyType !== type) throw new Error(`a ${key.asymmetricKeyType} key`)
        keys.push(key)
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: `expected an ${type} public key (PEM or base64 SPKI): ${(err as Error).message}`,
        })
        return z.NEVER
      }
    }
    return keys
  })

export const highlevelVerifySchema = z.strictObject({
  type: z.literal('highlevel'),
  publicKey: publicKeys('ed25519').default([
    createPublicKey({ key: Buffer.from(HIGHLEVEL_ED25519_KEY, 'base64'), format: 'der', type: 'spki' }),
  ]),
  /** accept the legacy x-wh-signature (RSA-SHA256) when X-GHL-Signature is absent */
  legacy: z.boolean().default(true),
  legacyPublicKey: publicKeys('rsa').default([createPublicKey(HIGHLEVEL_RSA_KEY)]),
  toleranceSeconds: z.number().int().positive().default(300),
})

export type HighLevelVerifyConfig = z.output<typeof highlevelVerifySchema>

/**
 * HighLevel's own webhooks: X-GHL-Signature (Ed25519 over the raw body) or, when only it
 * is sent, the legacy x-wh-signature (RSA-SHA256). Both are base64. Asymmetric: there is
 * no shared secret to leak, only a public key to keep current. The replay window comes
 * from the signed body's `timestamp`, read only after the signature holds.
 */
export function highlevelVerifier(config: HighLevelVerifyConfig, ctx: VerifyContext): BuiltVerifier {
  return {
    secretHeaders: ['x-ghl-signature', 'x-wh-signature'],
    secretQuery: [],
    dedupe: { path: 'webhookId' },
    verify(req) {
      const current = singleHeader(req, 'x-ghl-signature')
      const legacy = config.legacy ? singleHeader(req, 'x-wh-signature') : undefined
      if (current === undefined && legacy === undefined) {
        throw new MissingSignatureError(
          req.source,
          config.legacy ? 'X-GHL-Signature (or x-wh-signature)' : 'X-GHL-Signature',
        )
      }
      const sig = decodeSignature((current ?? legacy)!.trim(), 'base64')
      if (sig === undefined) throw new BadSignatureError(req.source, 'signature is not base64')
      const ok =
        current !== undefined
          ? config.publicKey.some((k) => safeVerify(null, req.rawBody, k, sig))
          : config.legacyPublicKey.some((k) => safeVerify('sha256', req.rawBody, k, sig))
      if (!ok) throw new BadSignatureError(req.source, current !== undefined ? 'ed25519 mismatch' : 'rsa mismatch')

      const timestamp = bodyTimestamp(req.rawBody)
      if (timestamp === undefined) throw new BadSignatureError(req.source, 'signed body has no usable timestamp')
      assertFresh(req.source, timestamp, config.toleranceSeconds, ctx.now())
    },
  }
}

function safeVerify(algorithm: string | null, data: Buffer, key: KeyObject, sig: Buffer): boolean {
  try {
    return verifySignature(algorithm, data, key, sig)
  } catch {
    return false
  }
}

function bodyTimestamp(raw: Buffer): number | undefined {
  try {
    const body = sjson.parse(raw.toString('utf8'), undefined, {
      protoAction: 'remove',
      constructorAction: 'remove',
    }) as unknown
    const ts = body !== null && typeof body === 'object' ? (body as { timestamp?: unknown }).timestamp : undefined
    const ms = typeof ts === 'string' ? Date.parse(ts) : typeof ts === 'number' ? ts : NaN
    return Number.isFinite(ms) ? ms : undefined
  } catch {
    return undefined
  }
}
