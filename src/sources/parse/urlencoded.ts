import type { TextDecoder } from 'node:util'
import { BadBodyError, TooWideError } from '../errors.js'
import { textDecoderFor } from './charset.js'
import { FieldTree } from './fields.js'
import { MAX_NODES, MAX_WIDTH } from './limits.js'

/**
 * application/x-www-form-urlencoded with bracket nesting. Why not URLSearchParams: it
 * always decodes %XX as UTF-8, and forms posted from ISO-8859-1 pages send é as %E9.
 * Here the escapes become bytes first, then text in the declared charset. At most
 * MAX_WIDTH fields, as for multipart: a 1 MB body of `a=b&` is 250,000 fields, and
 * building a tree of them costs 170 ms before the width check could refuse it.
 */
export function parseUrlencoded(raw: Buffer, charset: string | undefined): Record<string, unknown> {
  const decoder = textDecoderFor(charset)
  const tree = new FieldTree()
  // latin1 maps each byte to one char, so escapes and raw bytes survive the split intact;
  // scanned pair by pair rather than split, so a refused body never builds 250,000 strings
  const text = raw.toString('latin1')
  let fields = 0
  let segments = 0
  for (let start = 0; start <= text.length;) {
    const amp = text.indexOf('&', start)
    const end = amp === -1 ? text.length : amp
    const pair = text.slice(start, end)
    start = end + 1
    if (++segments > MAX_NODES) throw new TooWideError(MAX_NODES)
    if (pair === '') continue
    if (++fields > MAX_WIDTH) throw new TooWideError(MAX_WIDTH)
    const eq = pair.indexOf('=')
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq), decoder)
    const value = eq === -1 ? '' : decodeComponent(pair.slice(eq + 1), decoder)
    if (name !== '') tree.add(name, value)
  }
  return tree.root
}

function decodeComponent(s: string, decoder: TextDecoder): string {
  const bytes = Buffer.allocUnsafe(s.length)
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 43 /* + */) bytes[n++] = 32
    else if (c === 37 /* % */ && i + 2 < s.length && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      bytes[n++] = parseInt(s.slice(i + 1, i + 3), 16)
      i += 2
    } else bytes[n++] = c
  }
  try {
    return decoder.decode(bytes.subarray(0, n))
  } catch {
    throw new BadBodyError('a form field is not valid text in the declared charset')
  }
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
