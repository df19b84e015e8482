import { HighLevelNetworkError, HighLevelTimeoutError, type HighLevelError } from './errors.js'

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
])
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
])

// The code can sit on the error itself, on its cause, or (happy-eyeballs connects to
// several addresses) on each member of an AggregateError.
function codesOf(err: unknown, depth = 0): string[] {
  if (typeof err !== 'object' || err === null || depth > 3) return []
  const codes: string[] = []
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown }
  if (typeof code === 'string') codes.push(code)
  codes.push(...codesOf(cause, depth + 1))
  if (Array.isArray(errors)) for (const inner of errors) codes.push(...codesOf(inner, depth + 1))
  return codes
}

/**
 * Maps an undici / socket failure to a typed error, or undefined when it is not a
 * transport failure (a programming error that should surface as it is). The message
 * names only the code and the origin: undici errors never carry request headers, and we
 * keep it that way by not copying their text.
 */
export function errorFromTransport(err: unknown, origin: string): HighLevelError | undefined {
  const codes = codesOf(err)
  const timeout = codes.find((c) => TIMEOUT_CODES.has(c))
  if (timeout !== undefined) {
    return new HighLevelTimeoutError(`HighLevel request timed out (${timeout}) at ${origin}`, { cause: err })
  }
  const network = codes.find((c) => NETWORK_CODES.has(c))
  if (network !== undefined) {
    return new HighLevelNetworkError(`HighLevel unreachable (${network}) at ${origin}`, { cause: err })
  }
  return undefined
}
