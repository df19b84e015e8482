/** What `tagrelay check` asks of an admin or viewer token: about as hard to guess as a random 128-bit key. */
export const MIN_TOKEN_BITS = 128

/**
 * An estimate of a token's entropy in bits: its length times log2 of its alphabet, where
 * the alphabet is what its characters suggest (digits only: 10; hex digits of one case:
 * 16; else the union of the classes it uses: lower 26, upper 26, digits 10, other
 * printable ASCII 33, anything else 100), and where the length counts a repeat of four or
 * more characters seen earlier in the token as one character (`Summer2024!Summer2024!`
 * counts 12, `aaaaaaaaaaaaaaaa` 2) and each distinct character for at most four positions.
 * It assumes the rest was drawn at random: a passphrase of dictionary words is overrated,
 * which is why the docs ask for `openssl rand -hex 32` (256 bits, far above the bar; the
 * 128 bits of `-hex 16` pass too unless a run of four digits happens to repeat).
 */
export function tokenBits(token: string): number {
  const chars = [...token].slice(0, 1024)
  const distinct = new Set(chars).size
  const length = Math.min(unrepeatedLength(chars), 4 * distinct)
  return length * Math.log2(alphabet(token))
}

/** Characters left once every repeat (4+ characters, overlapping allowed) of an earlier run counts as one. */
function unrepeatedLength(chars: string[]): number {
  let count = 0
  for (let i = 0; i < chars.length; count++) {
    let longest = 0
    for (let j = 0; j < i; j++) {
      let k = 0
      while (i + k < chars.length && chars[j + k] === chars[i + k]) k++
      longest = Math.max(longest, k)
    }
    i += longest >= 4 ? longest : 1
  }
  return count
}

function alphabet(token: string): number {
  if (/^[0-9]+$/.test(token)) return 10
  if (/^[0-9a-f]+$/.test(token) || /^[0-9A-F]+$/.test(token)) return 16
  let size = 0
  if (/[a-z]/.test(token)) size += 26
  if (/[A-Z]/.test(token)) size += 26
  if (/[0-9]/.test(token)) size += 10
  if (/[!-/:-@[-`{-~ ]/.test(token)) size += 33
  if (/[^\x20-\x7e]/.test(token)) size += 100
  return Math.max(size, 2)
}

/** Problems (`key: reason`) for the admin tokens of a config that are too easy to guess; never quoting them. */
export function weakTokenProblems(admin: { token?: string | undefined; viewerToken?: string | undefined }): string[] {
  const out: string[] = []
  for (const [key, token] of [
    ['admin.token', admin.token],
    ['admin.viewerToken', admin.viewerToken],
  ] as const) {
    if (token === undefined) continue
    const bits = Math.floor(tokenBits(token))
    if (bits < MIN_TOKEN_BITS)
      out.push(
        `${key}: too easy to guess, about ${bits} bits of entropy (estimated from its length and characters); use at least ${MIN_TOKEN_BITS}, e.g. openssl rand -hex 32`,
      )
  }
  return out
}
