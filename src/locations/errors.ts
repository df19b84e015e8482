import { codes, TagrelayError } from '../errors.js'
import type { LocationEntry } from './registry.js'

export class UnknownLocationError extends TagrelayError {
  constructor(segment: string, where: string) {
    super(
      codes.TAGRELAY_UNKNOWN_LOCATION,
      `no location "${segment}" (${where}): name a location from highlevel.locations, an installed location's name, or its HighLevel locationId`,
    )
  }
}

export class LocationDisabledError extends TagrelayError {
  constructor(name: string) {
    super(
      codes.TAGRELAY_LOCATION_DISABLED,
      `location "${name}" is disabled: nothing is accepted for it until it is enabled`,
    )
  }
}

/** Removed, uninstalled, deactivated in HighLevel or revoked: the reason says which. */
export class LocationGoneError extends TagrelayError {
  constructor(entry: Pick<LocationEntry, 'name' | 'state' | 'stateReason'>) {
    super(
      codes.TAGRELAY_LOCATION_GONE,
      `location "${entry.name}" is ${entry.state}${entry.stateReason ? `: ${entry.stateReason}` : ''}`,
    )
  }
}

export class LocationNotInUrlError extends TagrelayError {
  constructor(source: string, fixed: boolean) {
    super(
      codes.TAGRELAY_LOCATION_NOT_IN_URL,
      fixed
        ? `source "${source}" delivers to its configured location: post to /hooks/${source}`
        : `source "${source}" reads its location from the URL: post to /hooks/${source}/<location>`,
    )
  }
}

export class LocationNotInPayloadError extends TagrelayError {
  constructor(source: string, path: string) {
    super(
      codes.TAGRELAY_LOCATION_MISSING,
      `source "${source}" reads its location from ${path}, which the payload lacks`,
    )
  }
}

/** The entry events may go to now, or the error that says why not. */
export function admitLocation(entry: LocationEntry | undefined, segment: string, where: string): LocationEntry {
  if (entry === undefined) throw new UnknownLocationError(segment, where)
  if (entry.state === 'removed' || entry.state === 'inactive' || entry.state === 'revoked')
    throw new LocationGoneError(entry)
  if (entry.disabled) throw new LocationDisabledError(entry.name)
  return entry
}
