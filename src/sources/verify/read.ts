import { DuplicateHeaderError } from '../errors.js'
import type { InboundRequest } from '../types.js'

/**
 * One header's value, or undefined when absent or empty. A header sent twice is refused:
 * choosing either copy would let a forger put a valid-looking value beside a real one.
 */
export function singleHeader(req: InboundRequest, name: string): string | undefined {
  const v = req.headers[name]
  if (Array.isArray(v)) throw new DuplicateHeaderError(req.source, name)
  return v === undefined || v === '' ? undefined : v
}

/** The same rule for a query parameter (`?a=1&a=2` is refused). */
export function singleQuery(req: InboundRequest, name: string): string | undefined {
  const v = req.query[name]
  if (Array.isArray(v)) throw new DuplicateHeaderError(req.source, `?${name}`)
  return typeof v === 'string' && v !== '' ? v : undefined
}
