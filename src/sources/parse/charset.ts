import { TextDecoder } from 'node:util'
import { BadBodyError, UnsupportedCharsetError } from '../errors.js'

/** Charsets senders use in practice; WHATWG maps the latin1 names to windows-1252. */
const SUPPORTED = new Map<string, string>([
  ['utf-8', 'utf-8'],
  ['utf8', 'utf-8'],
  ['us-ascii', 'utf-8'],
  ['ascii', 'utf-8'],
  ['iso-8859-1', 'latin1'],
  ['latin1', 'latin1'],
  ['iso_8859-1', 'latin1'],
  ['windows-1252', 'latin1'],
  ['cp1252', 'latin1'],
  ['utf-16le', 'utf-16le'],
])

export function textDecoderFor(charset: string | undefined): TextDecoder {
  const label = SUPPORTED.get((charset ?? 'utf-8').toLowerCase())
  if (label === undefined) throw new UnsupportedCharsetError(charset as string)
  return new TextDecoder(label, { fatal: true, ignoreBOM: false })
}

/** Decodes bytes in `charset`; bytes that are not valid text in it are a bad body, not mojibake. */
export function decodeText(raw: Uint8Array, charset: string | undefined): string {
  const decoder = textDecoderFor(charset)
  try {
    return decoder.decode(raw)
  } catch {
    throw new BadBodyError(`the body is not valid ${charset ?? 'utf-8'} text`)
  }
}
