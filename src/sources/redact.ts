const ALWAYS_SECRET = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization', 'x-tagrelay-token'])
const LOOKS_SECRET = /token|secret|signature|api[-_]?key|password/i

/** A header name that may carry a credential (lower-case). */
export const looksSecretHeader = (name: string): boolean => ALWAYS_SECRET.has(name) || LOOKS_SECRET.test(name)
/** A query parameter name that may carry a credential. */
export const looksSecretParam = (name: string): boolean => LOOKS_SECRET.test(name)

/**
 * Headers as stored with an event: lower-cased names, one string per header, and every
 * value that can carry a credential replaced, so the trail never holds a secret.
 */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
  extraSecret: readonly string[] = [],
): Record<string, string> {
  const extra = extraSecret.map((h) => h.toLowerCase())
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const lower = name.toLowerCase()
    const secret = ALWAYS_SECRET.has(lower) || extra.includes(lower) || LOOKS_SECRET.test(lower)
    out[lower] = secret ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

/** A URL with the values of secret query parameters replaced, for logs. */
export function redactUrl(url: string, secretParams: readonly string[]): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const params = new URLSearchParams(url.slice(q + 1))
  let changed = false
  for (const key of [...params.keys()]) {
    if (secretParams.includes(key) || LOOKS_SECRET.test(key)) {
      params.set(key, '[redacted]')
      changed = true
    }
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url
}

/** Query parameters as rules see them (`$query.<name>`): secret ones replaced, like headers. */
export function redactQuery(query: Record<string, unknown>, secretParams: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(query))
    out[key] = secretParams.includes(key) || LOOKS_SECRET.test(key) ? '[redacted]' : value
  return out
}
