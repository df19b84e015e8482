import type { Config } from '../config/index.js'
import { codes, TagrelayError } from '../errors.js'
import { locationSecret } from '../sources/index.js'

export interface LocationSecret {
  /** the YAML name, or the locationId given for an installed location */
  location: string
  locationId: string
  secret: string
}

class LocationSecretsUsageError extends TagrelayError {
  constructor(message: string) {
    super(codes.TAGRELAY_USAGE, message)
  }
}

/**
 * `tagrelay location-secrets --source NAME [--location NAME|ID]`: each location's own
 * secret for a source with per-location credentials, to give to that location's sender.
 * Derived from the first secret the source lists (put the new one first while rotating);
 * an installed location is named by its HighLevel locationId (nothing is read from the
 * store: the secret depends only on the source's secret and the locationId).
 */
export function locationSecrets(config: Config, sourceName: string, location?: string): LocationSecret[] {
  const source = config.sources[sourceName]
  if (!source) throw new LocationSecretsUsageError(`no source "${sourceName}" in the config`)
  const from = source.location
  if (typeof from === 'string' || from.from !== 'url' || from.credentials === 'shared')
    throw new LocationSecretsUsageError(
      `source "${sourceName}" has no per-location credentials: set location: { from: url, credentials: per-location }`,
    )
  const yaml = Object.entries(config.highlevel.locations).map(([name, l]) => ({ name, locationId: l.locationId }))
  const chosen =
    location === undefined
      ? yaml.filter((l) => !from.locations || from.locations.some((n) => n === l.name || n === l.locationId))
      : [yaml.find((l) => l.name === location || l.locationId === location) ?? { name: location, locationId: location }]
  return chosen.map((l) => ({
    location: l.name,
    locationId: l.locationId,
    secret: locationSecret(source.verify, l.locationId),
  }))
}
