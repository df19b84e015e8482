import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (s: string | Buffer): Buffer => createHash('sha256').update(s).digest()

/**
 * True when `presented` equals one of `secrets`. Both sides are hashed first so the
 * comparison always runs over 32 bytes: neither the secret's length nor the position of
 * the first differing byte leaks through timing. Every secret is compared, no early exit.
 */
export function matchesAny(presented: string | Buffer, secrets: readonly Buffer[]): boolean {
  const p = digest(presented)
  let ok = false
  for (const s of secrets) ok = timingSafeEqual(p, s) || ok
  return ok
}

export function digestSecrets(secrets: readonly string[]): Buffer[] {
  return secrets.map(digest)
}

/**
 * `matchesAny` for a credential kept only as `sha256:<hex>` (a refused request read back
 * from the store): the stored digest is compared with the secrets' digests.
 */
export function digestMatchesAny(stored: string, secrets: readonly Buffer[]): boolean {
  const m = /^sha256:([0-9a-f]{64})$/.exec(stored)
  if (!m) return false
  const p = Buffer.from(m[1] as string, 'hex')
  let ok = false
  for (const s of secrets) ok = timingSafeEqual(p, s) || ok
  return ok
}

/** How a credential value is kept: never the value, only its SHA-256. */
export function credentialDigest(value: string): string {
  return `sha256:${createHash('sha256').update(value).digest('hex')}`
}
