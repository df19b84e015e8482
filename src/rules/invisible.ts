/**
 * Unicode control (Cc) and format (Cf) characters and lone surrogates (Cs under the `u`
 * flag): NUL, ESC sequences, BEL, U+202E (right-to-left override), zero-width spaces. In
 * a tag they are invisible or rewrite how the tag reads in HighLevel's UI, and no sender
 * means them. Tabs and newlines are white space and collapse to a space first.
 */
export const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}]/gu

const hex = (c: string): string => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`

/** The first control or format character of a tag as U+XXXX, or undefined (schema messages). */
export function invisibleCharacter(tag: string): string | undefined {
  const m = /[\p{Cc}\p{Cf}\p{Cs}]/u.exec(tag.replace(/\s+/g, ' '))
  return m ? hex(m[0]) : undefined
}

/** `U+001B, U+202E`: the distinct characters, at most five shown. */
export function codePoints(chars: readonly string[]): string {
  const codes = [...new Set(chars.map(hex))]
  return codes.length > 5 ? `${codes.slice(0, 5).join(', ')}, …` : codes.join(', ')
}
