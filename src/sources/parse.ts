import sjson from 'secure-json-parse'
import { BadBodyError, UnsupportedMediaTypeError } from './errors.js'

/**
 * Parses the raw body after it has been verified. `__proto__` and `constructor.prototype`
 * keys are dropped so a payload can never pollute object prototypes.
 */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new UnsupportedMediaTypeError(type || '(none)')
  }
  if (raw.length === 0) throw new BadBodyError('the request body is empty; expected a JSON document')
  try {
    return sjson.parse(raw.toString('utf8'), undefined, { protoAction: 'remove', constructorAction: 'remove' })
  } catch (err) {
    throw new BadBodyError(`the body is not valid JSON: ${(err as Error).message}`)
  }
}
