import { compilePath, type RuleEvent } from '../rules/index.js'
import type { Source } from '../sources/index.js'
import { admitLocation, LocationNotInPayloadError, LocationNotInUrlError } from './errors.js'
import type { LocationEntry } from './registry.js'

export interface LocationLookupFn {
  lookup(nameOrId: string): Promise<LocationEntry | undefined>
}

/**
 * The location an event belongs to, as its source says: fixed, the URL's last segment
 * (`/hooks/<source>/<location>`), or a payload path. Shared by the webhook route and the
 * re-verify of a kept refused request, so both route an event the same way.
 */
export class EventLocations {
  readonly #fromBody = new Map<string, (event: RuleEvent) => unknown>()

  constructor(readonly locations: LocationLookupFn | undefined) {}

  async of(source: Source, segment: string | undefined, body: unknown): Promise<string> {
    const from = source.locationFrom
    if (typeof from === 'string') {
      if (segment !== undefined) throw new LocationNotInUrlError(source.name, true)
      return from
    }
    if (from.from === 'url') {
      if (segment === undefined) throw new LocationNotInUrlError(source.name, false)
      return admitLocation(await this.locations?.lookup(segment), segment, 'in the URL').key
    }
    if (segment !== undefined) throw new LocationNotInUrlError(source.name, false)
    let read = this.#fromBody.get(source.name)
    if (!read) this.#fromBody.set(source.name, (read = compilePath(from.path)))
    const value = read({ source: source.name, body })
    if (typeof value !== 'string' || value === '') throw new LocationNotInPayloadError(source.name, from.path)
    return admitLocation(await this.locations?.lookup(value), value, `at ${from.path} in the payload`).key
  }

  /** The location segment of a kept request's URL (`/hooks/<source>/<location>?...`), if any. */
  static segmentOf(url: string): string | undefined {
    const path = url.split('?')[0] ?? ''
    const parts = path.split('/').filter((p) => p !== '')
    if (parts[0] !== 'hooks' || parts.length !== 3) return undefined
    try {
      return decodeURIComponent(parts[2]!)
    } catch {
      return parts[2]
    }
  }
}
