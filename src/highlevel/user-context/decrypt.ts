import { createDecipheriv, createHash } from 'node:crypto'
import { SsoPayloadUnreadableError } from './errors.js'

/**
 * The most base64 characters a payload may have: a user context is a few hundred bytes of
 * JSON, so 8 KB leaves room for long names and emails while bounding the work done on
 * anything an unauthenticated caller sends.
 */
export const MAX_PAYLOAD_CHARS = 8192

const SALTED = Buffer.from('Salted__', 'latin1')
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const BLOCK = 16

/**
 * OpenSSL's EVP_BytesToKey with MD5 and one iteration: D1 = MD5(pass || salt),
 * Di = MD5(D(i-1) || pass || salt), concatenated; the first 32 bytes are the AES-256 key,
 * the next 16 the IV. This is what CryptoJS (HighLevel's example) and `openssl enc -md md5`
 * derive from a passphrase.
 */
export function evpBytesToKey(passphrase: string, salt: Buffer): { key: Buffer; iv: Buffer } {
  const pass = Buffer.from(passphrase, 'utf8')
  const parts: Buffer[] = []
  let previous = Buffer.alloc(0)
  while (parts.length * 16 < 48) {
    previous = createHash('md5')
      .update(Buffer.concat([previous, pass, salt]))
      .digest()
    parts.push(previous)
  }
  const all = Buffer.concat(parts)
  return { key: all.subarray(0, 32), iv: all.subarray(32, 48) }
}

/**
 * Decrypts HighLevel's user-context payload with the app's Shared Secret: base64 of
 * `Salted__` + an 8-byte salt + AES-256-CBC ciphertext (PKCS#7), key and IV from
 * `evpBytesToKey`. Answers the plaintext as UTF-8 text; throws SsoPayloadUnreadableError
 * for anything else. The size is checked before any decoding.
 */
export function decryptUserContext(payload: string, sharedSecret: string): string {
  if (payload.length > MAX_PAYLOAD_CHARS) throw new SsoPayloadUnreadableError(`over ${MAX_PAYLOAD_CHARS} characters`)
  if (payload.length % 4 !== 0 || !BASE64.test(payload)) throw new SsoPayloadUnreadableError('not base64')
  const raw = Buffer.from(payload, 'base64')
  if (raw.length < 16 + BLOCK || !raw.subarray(0, 8).equals(SALTED) || (raw.length - 16) % BLOCK !== 0)
    throw new SsoPayloadUnreadableError('not the salted AES format (Salted__, salt, whole 16-byte blocks)')
  const { key, iv } = evpBytesToKey(sharedSecret, raw.subarray(8, 16))
  let plain: Buffer
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, iv)
    plain = Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()])
  } catch {
    // a bad padding: the wrong secret, or a changed or cut ciphertext
    throw new SsoPayloadUnreadableError('it does not decrypt with the shared secret')
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plain)
  } catch {
    // the padding happened to check out, but the bytes are not text: the same causes
    throw new SsoPayloadUnreadableError('it does not decrypt to text with the shared secret')
  }
}
