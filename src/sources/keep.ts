import { looksCredential, looksSecretHeader, looksSecretParam } from './redact.js'
import type { Source } from './registry.js'
import type { InboundRequest } from './types.js'
import { credentialDigest } from './verify/constant-time.js'

/** A refused request as it may be kept: every credential value replaced by its SHA-256. */
export interface KeptForm {
  url: string
  headers: Record<string, string | string[]>
  query: Record<string, unknown>
}

const hashValue = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(hashValue) : credentialDigest(typeof v === 'string' ? v : JSON.stringify(v))

/**
 * What a refused request keeps of its headers and query. Why signatures are kept as they
 * came and tokens only hashed: a signature is of this one body (re-verifying needs it, and
 * it signs nothing else), while a token or basic-auth value opens every future request.
 * A hashed token still re-verifies: the token verifier compares digests (constant-time.ts).
 */
export function keptForm(source: Source, req: InboundRequest): KeptForm {
  const headers: Record<string, string | string[]> = {}
  for (const [raw, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    const name = raw.toLowerCase()
    const credential =
      !source.signatureHeaders.includes(name) &&
      (source.secretHeaders.includes(name) || looksSecretHeader(name) || looksCredential(value))
    headers[name] = credential ? (hashValue(value) as string | string[]) : value
  }
  const secretParam = (key: string, value: unknown): boolean =>
    source.secretQuery.includes(key) || looksSecretParam(key) || looksCredential(value)
  const query: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(req.query)) query[key] = secretParam(key, value) ? hashValue(value) : value
  return { url: hashUrl(req.url ?? `/hooks/${source.name}`, secretParam), headers, query }
}

function hashUrl(url: string, secret: (key: string, value: string) => boolean): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const params = new URLSearchParams(url.slice(q + 1))
  const out = new URLSearchParams()
  for (const [key, value] of params) out.append(key, secret(key, value) ? credentialDigest(value) : value)
  return `${url.slice(0, q)}?${out.toString()}`
}
