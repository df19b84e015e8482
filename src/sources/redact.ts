const ALWAYS_SECRET = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization', 'x-tagrelay-token'])
/** names: a word such as token or secret anywhere, or auth / key / session as a whole part (x-auth, x-webhook-key) */
const LOOKS_SECRET =
  /token|secret|signature|api[-_]?key|password|passwd|credential|(^|[-_.])(auth|key|session|sid)([-_.]|$)/i
/**
 * values, whatever the name: an HTTP auth scheme with its credential, a JWT, or a key in
 * a well-known vendor format (Stripe, GitHub, Slack, Standard Webhooks, AWS)
 */
const LOOKS_CREDENTIAL =
  /^\s*(bearer|basic|digest|token)\s+\S{8,}|^eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*$|^(sk|rk)_(live|test)_\w{8,}|^(ghp|gho|ghs|ghu|github_pat)_\w{16,}|^xox[abposr]-[\w-]{8,}|^whsec_[\w+/=]{16,}|^AKIA[0-9A-Z]{16}$/i

/** A header name that may carry a credential (lower-case). */
export const looksSecretHeader = (name: string): boolean => ALWAYS_SECRET.has(name) || LOOKS_SECRET.test(name)
/** A query parameter name that may carry a credential. */
export const looksSecretParam = (name: string): boolean => LOOKS_SECRET.test(name)
/** A value that is a credential by its shape, whatever it is called. */
export const looksCredential = (value: unknown): boolean =>
  typeof value === 'string'
    ? LOOKS_CREDENTIAL.test(value)
    : Array.isArray(value) && value.some((v) => typeof v === 'string' && LOOKS_CREDENTIAL.test(v))

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
    const secret =
      ALWAYS_SECRET.has(lower) || extra.includes(lower) || LOOKS_SECRET.test(lower) || looksCredential(value)
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
  for (const [key, value] of [...params]) {
    if (secretParams.includes(key) || LOOKS_SECRET.test(key) || looksCredential(value)) {
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
    out[key] = secretParams.includes(key) || LOOKS_SECRET.test(key) || looksCredential(value) ? '[redacted]' : value
  return out
}
