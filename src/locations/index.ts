export { configEntry, LocationRegistry } from './registry.js'
export type { LocationEntry, RegistryDeps } from './registry.js'
export { SealedTokenStore, TokenKeyError } from './sealed-tokens.js'
export { InstalledAuths, INSTALL_SEED, companyTokenKey } from './installed-auth.js'
export {
  admitLocation,
  LocationDisabledError,
  LocationGoneError,
  LocationNotInPayloadError,
  LocationNotInUrlError,
  UnknownLocationError,
} from './errors.js'
export { AppInstaller, appWebhookSchema } from './installer.js'
export type { InstallerDeps, InstallResult } from './installer.js'
export { InstallState, InstallStateError, STATE_TTL_SEC } from './oauth-state.js'
export { setUpLocations } from './setup.js'
export { EventLocations } from './event-location.js'
export type { LocationLookupFn } from './event-location.js'
export type { LocationsSetup } from './setup.js'
export { ssoInstallLookup } from './sso-installs.js'
