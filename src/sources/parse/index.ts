import { UnsupportedMediaTypeError } from '../errors.js'
import { parseMediaType } from './content-type.js'
import { mergeJotformRawRequest } from './jotform.js'
import { parseJson } from './json.js'
import { assertWidth } from './limits.js'
import { parseMultipart } from './multipart.js'
import { parseUrlencoded } from './urlencoded.js'

export { parseMediaType } from './content-type.js'

/**
 * Parses the raw body after it has been verified, by its declared content type:
 * JSON (`application/json`, `*+json`, or JSON sent as `text/plain`), urlencoded and
 * multipart forms (fields only). Every result is bounded in depth and width, and no key
 * named `__proto__` or `constructor` survives, so a payload can never pollute prototypes.
 */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const { type, params } = parseMediaType(contentType)
  let body: unknown
  if (type === 'application/json' || type.endsWith('+json') || type === 'text/plain') {
    body = parseJson(raw, params.charset)
  } else if (type === 'application/x-www-form-urlencoded') {
    body = parseUrlencoded(raw, params.charset)
  } else if (type === 'multipart/form-data') {
    body = parseMultipart(raw, params.boundary, params.charset)
  } else {
    throw new UnsupportedMediaTypeError(type || '(none)')
  }
  assertWidth(body)
  return mergeJotformRawRequest(body)
}
