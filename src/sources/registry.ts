import { dedupeKeys, type DedupeRule } from './dedupe.js'
import {
  BadVerifyTokenError,
  BodyTooLargeError,
  NoHandshakeError,
  NoLocationCredentialError,
  RateLimitedError,
  UnknownSourceError,
} from './errors.js'
import { locationVerifyConfig } from './location-credentials.js'
import { parseBody } from './parse/index.js'
import { tokenBucket } from './rate-limit.js'
import { DEDUPE_RETENTION_HOURS, DEFAULT_BODY_LIMIT, type SourceConfig, type SourceLocation } from './schema.js'
import { withSpan } from '../telemetry/index.js'
import type { InboundRequest } from './types.js'
import { digestSecrets, matchesAny } from './verify/constant-time.js'
import { createVerifier, type BuiltVerifier } from './verify/index.js'
import { singleHeader, singleQuery } from './verify/read.js'

export interface Received {
  body: unknown
  /**
   * the delivery id (or, alone, the body hash) and how long to remember it; `alsoKeys`:
   * the body hash beside a delivery id. Absent when the source has none.
   */
  dedupe?: { key: string; retentionMs: number; alsoKeys?: string[] }
  /** verified with the source's shared secret where per-location ones are expected (while senders move over) */
  sharedCredential?: boolean
}

export interface Source {
  name: string
  /** the name of the HighLevel location (config key) its events tag contacts in; '' when not fixed */
  location: string
  /** where the location comes from: fixed (`location`), the URL, or a payload path */
  locationFrom: SourceLocation
  /** a URL-routed source's allow-list (names or locationIds), if it has one */
  serves?: readonly string[]
  bodyLimit: number
  /** throws RateLimitedError (429) when the source is over its request rate */
  admit(): void
  verify(req: InboundRequest): void
  /**
   * The whole inbound path after the rate check, in its security order: size, verify on
   * the raw bytes, then parse (content type, charset, limits) and read the delivery id.
   */
  receive(req: InboundRequest): Received
  /** answers a GET subscription handshake with the challenge to echo, or throws */
  handshake(req: InboundRequest): string
  /** header names whose values must never be stored or logged */
  secretHeaders: string[]
  secretQuery: string[]
  /** those of `secretHeaders` that sign one request (kept with a refused one), not a reusable token */
  signatureHeaders: string[]
  /**
   * `receive` for a request kept when refused: the verifier judges timestamps at `receivedAt`
   * (epoch ms, the original receipt) and reads token values as the digests they were kept as
   */
  receiveAgain(req: InboundRequest, receivedAt: number): Received
}

export interface SourceRegistry {
  get(name: string): Source
  names(): string[]
  /** every query parameter name that carries a secret, for log redaction */
  secretQueryParams(): string[]
  /** sources that accept events without any verification (worth a warning at start) */
  unverified(): string[]
  /** the largest body any source accepts: the HTTP layer's outer limit */
  maxBodyLimit(): number
}

export interface RegistryOptions {
  /** epoch ms; tests pass a fixed clock */
  now?: () => number
  /** the public base URL senders call (server.publicUrl), for schemes that sign the URL */
  publicUrl?: string
  /** server.bodyLimit: the default for sources without their own */
  bodyLimit?: number
}

export function createSourceRegistry(
  sources: Record<string, SourceConfig>,
  options: RegistryOptions = {},
): SourceRegistry {
  const now = options.now ?? Date.now
  const map = new Map<string, Source>()
  for (const [name, config] of Object.entries(sources)) map.set(name, createSource(name, config, now, options))
  const secretQuery = [...new Set([...map.values()].flatMap((s) => s.secretQuery))]
  const maxBody = Math.max(options.bodyLimit ?? DEFAULT_BODY_LIMIT, ...[...map.values()].map((s) => s.bodyLimit))
  return {
    get(name) {
      const s = map.get(name)
      if (!s) throw new UnknownSourceError(name)
      return s
    },
    names: () => [...map.keys()],
    secretQueryParams: () => secretQuery,
    unverified: () =>
      Object.entries(sources)
        .filter(([, c]) => c.verify.type === 'none')
        .map(([n]) => n),
    maxBodyLimit: () => maxBody,
  }
}

function createSource(name: string, config: SourceConfig, now: () => number, options: RegistryOptions): Source {
  const built = createVerifier(config.verify, { now, publicUrl: options.publicUrl })
  const bodyLimit = config.bodyLimit ?? options.bodyLimit ?? DEFAULT_BODY_LIMIT
  const bucket = config.rateLimit ? tokenBucket(config.rateLimit, now) : undefined
  const dedupe = dedupeRule(config, built)
  const verifyTokens = config.handshake ? digestSecrets(config.handshake.verifyToken) : undefined
  const locationCredentials =
    typeof config.location === 'string' || !('credentials' in config.location) ? 'shared' : config.location.credentials
  // each location's verifier, built on its first request; a re-verify builds one judged at its receipt time
  const byLocation = new Map<string, BuiltVerifier>()
  const verifierOf = (locationId: string, at?: number): BuiltVerifier => {
    const clock = at === undefined ? now : () => at
    const build = () =>
      createVerifier(locationVerifyConfig(config.verify, locationId), { now: clock, publicUrl: options.publicUrl })
    if (at !== undefined) return build()
    let v = byLocation.get(locationId)
    if (!v) byLocation.set(locationId, (v = build()))
    return v
  }
  /** verifies with the location's own credentials where the source has them; true when the shared one was taken */
  const verifyFor = (shared: BuiltVerifier, req: InboundRequest, at?: number): boolean => {
    if (locationCredentials === 'shared') {
      shared.verify(req)
      return false
    }
    if (req.locationId === undefined) throw new NoLocationCredentialError(name)
    try {
      verifierOf(req.locationId, at).verify(req)
      return false
    } catch (err) {
      if (locationCredentials !== 'per-location-or-shared') throw err
      shared.verify(req)
      return true
    }
  }
  const receiveWith = (verifier: BuiltVerifier, req: InboundRequest, at?: number): Received => {
    if (req.rawBody.length > bodyLimit) throw new BodyTooLargeError(name, bodyLimit)
    const sharedCredential = withSpan('tagrelay.verify', { 'tagrelay.source': name }, () =>
      verifyFor(verifier, req, at),
    )
    const body = withSpan('tagrelay.parse', { 'tagrelay.source': name, 'tagrelay.bytes': req.rawBody.length }, () =>
      parseBody(req.rawBody, singleHeader(req, 'content-type')),
    )
    const [key, ...alsoKeys] = dedupe ? dedupeKeys(dedupe, req, body) : []
    const shared = sharedCredential ? { sharedCredential } : {}
    if (!key || !dedupe) return { body, ...shared }
    const keys = { key, retentionMs: dedupe.retentionMs, ...(alsoKeys.length > 0 ? { alsoKeys } : {}) }
    return { body, dedupe: keys, ...shared }
  }
  const credentials = new Set(built.credentialHeaders ?? [])
  const source: Source = {
    name,
    location: typeof config.location === 'string' ? config.location : '',
    locationFrom: config.location,
    ...(typeof config.location !== 'string' && 'locations' in config.location && config.location.locations
      ? { serves: config.location.locations }
      : {}),
    bodyLimit,
    secretHeaders: built.secretHeaders,
    secretQuery: verifyTokens ? [...built.secretQuery, 'hub.verify_token'] : built.secretQuery,
    admit() {
      const wait = bucket?.() ?? 0
      if (wait > 0) throw new RateLimitedError(name, wait)
    },
    signatureHeaders: built.secretHeaders.filter((h) => !credentials.has(h)),
    verify: built.verify,
    receive: (req) => receiveWith(built, req),
    receiveAgain(req, receivedAt) {
      const then = createVerifier(config.verify, { now: () => receivedAt, publicUrl: options.publicUrl })
      return receiveWith(then, { ...req, credentialsHashed: true }, receivedAt)
    },
    handshake(req) {
      if (!verifyTokens) throw new NoHandshakeError(name)
      const mode = singleQuery(req, 'hub.mode')
      const token = singleQuery(req, 'hub.verify_token')
      const challenge = singleQuery(req, 'hub.challenge')
      // the challenge is echoed: only a short plain token, never markup
      if (
        mode !== 'subscribe' ||
        token === undefined ||
        challenge === undefined ||
        !/^[\w.-]{1,256}$/.test(challenge)
      ) {
        throw new BadVerifyTokenError(name)
      }
      if (!matchesAny(token, verifyTokens)) throw new BadVerifyTokenError(name)
      return challenge
    },
  }
  return source
}

function dedupeRule(config: SourceConfig, built: BuiltVerifier): DedupeRule | undefined {
  if (config.dedupe === false) return undefined
  const retentionMs = (config.dedupe?.retentionHours ?? DEDUPE_RETENTION_HOURS) * 3_600_000
  const from = config.dedupe?.header
    ? { header: config.dedupe.header }
    : config.dedupe?.path
      ? { path: config.dedupe.path }
      : built.dedupe
  const bodyHash = config.dedupe?.bodyHash ?? built.signsBodyOnly === true
  return from || bodyHash ? { ...(from ? { from } : {}), bodyHash, retentionMs } : undefined
}
