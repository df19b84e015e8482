import { BadSignatureError, MissingSignatureError } from '../errors.js'
import type { InboundRequest, Verifier, VerifyContext } from '../types.js'
import { anyDigestMatches, decodeSignature, hmac } from './digest.js'
import type { HmacAlgorithm, SignatureEncoding } from './digest.js'
import { singleHeader } from './read.js'
import { checkTimestamp } from './timestamp.js'

/** Everything an "HMAC of some bytes, in one header" scheme needs; presets are instances. */
export interface HmacSpec {
  secrets: string[]
  header: string
  algorithm: HmacAlgorithm
  encoding: SignatureEncoding
  /** stripped from the header value before decoding, e.g. "sha256=" */
  prefix: string
  /** what was signed: literal text with {body}, {timestamp}, {method}, {url} */
  signedContent: string
  timestampHeader?: string
  timestampUnit: 's' | 'ms'
  toleranceSeconds: number
  /** base URL for {url}; else the context's public URL; else https://<Host> */
  publicUrl?: string
  /** HubSpot decodes a fixed set of %XX escapes in the URI it signs */
  hubspotUriDecode?: boolean
}

type Part = { literal: Buffer } | { token: 'body' | 'timestamp' | 'method' | 'url' }

function compileTemplate(template: string): Part[] {
  const parts: Part[] = []
  const re = /\{(body|timestamp|method|url)\}/g
  let last = 0
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m.index > last) parts.push({ literal: Buffer.from(template.slice(last, m.index)) })
    parts.push({ token: m[1] as 'body' })
    last = m.index + m[0].length
  }
  if (last < template.length) parts.push({ literal: Buffer.from(template.slice(last)) })
  return parts
}

const HUBSPOT_ESCAPES: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
}

/** `{body}` alone: nothing in the signature ties it to one delivery or one moment. */
export function signsBodyOnly(spec: Pick<HmacSpec, 'signedContent'>): boolean {
  return spec.signedContent === '{body}'
}

/** A loop, not `/\/+$/`: the Host header is the sender's, and that pattern is quadratic on `////…x`. */
function trimTrailingSlashes(s: string): string {
  let end = s.length
  while (end > 0 && s.charCodeAt(end - 1) === 47) end--
  return s.slice(0, end)
}

export function hmacVerifier(spec: HmacSpec, ctx: VerifyContext): Verifier {
  const parts = compileTemplate(spec.signedContent)
  const keys = spec.secrets.map((s) => Buffer.from(s, 'utf8'))

  const fullUrl = (req: InboundRequest): string => {
    const host = singleHeader(req, 'host') ?? 'localhost'
    const base = trimTrailingSlashes(spec.publicUrl ?? ctx.publicUrl ?? `https://${host}`)
    const url = `${base}${req.url ?? ''}`
    return spec.hubspotUriDecode
      ? url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => HUBSPOT_ESCAPES[m.toUpperCase()]!)
      : url
  }

  return (req) => {
    const value = singleHeader(req, spec.header)
    if (value === undefined) throw new MissingSignatureError(req.source, spec.header)
    const timestamp = spec.timestampHeader === undefined ? undefined : singleHeader(req, spec.timestampHeader)
    if (spec.timestampHeader !== undefined && timestamp === undefined)
      throw new MissingSignatureError(req.source, spec.timestampHeader)
    const trimmed = value.trim()
    if (!trimmed.toLowerCase().startsWith(spec.prefix.toLowerCase()))
      throw new BadSignatureError(req.source, `no ${spec.prefix} prefix`)
    const presented = decodeSignature(trimmed.slice(spec.prefix.length), spec.encoding)
    if (presented === undefined) throw new BadSignatureError(req.source, `signature is not ${spec.encoding}`)

    const signed = parts.map((p) => {
      if ('literal' in p) return p.literal
      switch (p.token) {
        case 'body':
          return req.rawBody
        case 'timestamp':
          return timestamp ?? ''
        case 'method':
          return req.method ?? 'POST'
        case 'url':
          return fullUrl(req)
      }
    })
    const expected = keys.map((k) => hmac(spec.algorithm, k, signed))
    if (!anyDigestMatches([presented], expected)) throw new BadSignatureError(req.source, 'digest mismatch')
    // freshness after authenticity: a stale answer then means "genuine but replayed"
    if (spec.timestampHeader !== undefined) {
      checkTimestamp(req.source, timestamp, spec.timestampUnit, spec.toleranceSeconds, ctx.now())
    }
  }
}
