import sjson from 'secure-json-parse'
import { BadBodyError } from '../errors.js'
import { decodeText } from './charset.js'
import { assertJsonDepth } from './limits.js'

export function parseJson(raw: Buffer, charset: string | undefined): unknown {
  if (raw.length === 0) throw new BadBodyError('the request body is empty; expected a JSON document')
  const text = decodeText(raw, charset)
  assertJsonDepth(text)
  return parseJsonText(text)
}

/** secure-json-parse drops `__proto__` and `constructor.prototype` keys instead of trusting them. */
export function parseJsonText(text: string): unknown {
  try {
    return sjson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' })
  } catch (err) {
    throw new BadBodyError(`the body is not valid JSON: ${(err as Error).message}`)
  }
}
