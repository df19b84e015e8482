import { createHmac, timingSafeEqual } from 'node:crypto'

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512'
export type SignatureEncoding = 'hex' | 'base64'

export function hmac(algorithm: HmacAlgorithm, key: Buffer | string, parts: ReadonlyArray<Buffer | string>): Buffer {
  const h = createHmac(algorithm, key)
  for (const p of parts) h.update(p)
  return h.digest()
}

const HEX = /^(?:[0-9a-f]{2})+$/i
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/

/**
 * The bytes of a presented signature, or undefined if it is not well-formed. Strict on
 * purpose: Buffer.from(s, 'hex') stops at the first bad character and would turn
 * "abZZ" into one byte; here any junk is a bad signature, never a shorter one.
 */
export function decodeSignature(s: string, encoding: SignatureEncoding): Buffer | undefined {
  if (s.length === 0 || s.length > 1024) return undefined
  if (encoding === 'hex') return HEX.test(s) ? Buffer.from(s, 'hex') : undefined
  if (BASE64.test(s)) return Buffer.from(s, 'base64')
  return BASE64URL.test(s) ? Buffer.from(s, 'base64url') : undefined
}

/**
 * True when any presented digest equals any expected one. Lengths are compared first (a
 * digest's length is public: it follows from the algorithm), then timingSafeEqual; every
 * pair is compared, so timing does not tell which secret or which signature matched.
 */
export function anyDigestMatches(presented: readonly Buffer[], expected: readonly Buffer[]): boolean {
  let ok = false
  for (const p of presented) {
    for (const e of expected) {
      if (p.length === e.length) ok = timingSafeEqual(p, e) || ok
    }
  }
  return ok
}
