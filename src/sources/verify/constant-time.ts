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
