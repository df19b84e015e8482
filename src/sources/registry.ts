import type { SourceConfig } from './schema.js'
import { UnknownSourceError } from './errors.js'
import type { InboundRequest } from './types.js'
import { createVerifier, secretNames } from './verify/index.js'

export interface Source {
  name: string
  /** the name of the HighLevel location (config key) its events tag contacts in */
  location: string
  verify(req: InboundRequest): void
  /** header names whose values must never be stored or logged */
  secretHeaders: string[]
  secretQuery: string[]
}

export interface SourceRegistry {
  get(name: string): Source
  names(): string[]
  /** every query parameter name that carries a secret, for log redaction */
  secretQueryParams(): string[]
  /** sources that accept events without any verification (worth a warning at start) */
  unverified(): string[]
}

export function createSourceRegistry(sources: Record<string, SourceConfig>): SourceRegistry {
  const map = new Map<string, Source>()
  for (const [name, config] of Object.entries(sources)) {
    const secrets = secretNames(config.verify)
    map.set(name, {
      name,
      location: config.location,
      verify: createVerifier(config.verify),
      secretHeaders: secrets.headers,
      secretQuery: secrets.query,
    })
  }
  const secretQuery = [...new Set([...map.values()].flatMap((s) => s.secretQuery))]
  return {
    get(name) {
      const s = map.get(name)
      if (!s) throw new UnknownSourceError(name)
      return s
    },
    names: () => [...map.keys()],
    secretQueryParams: () => secretQuery,
    unverified: () => Object.entries(sources).filter(([, c]) => c.verify.type === 'none').map(([n]) => n),
  }
}
