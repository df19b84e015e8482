/**
 * Requests refused for a signature or token, kept per source (bounded) for a second
 * look: the keeper (called by the webhook route), contact guesses for the list, and the
 * re-verify use case.
 */
export { RefusedKeeper, KEPT_CODES } from './keeper.js'
export type { Refusal, RefusedKeeperOptions } from './keeper.js'
export { reverifyRefused } from './reverify.js'
export type { ReverifyDeps, ReverifyResult } from './reverify.js'
export { refusedSchema } from './schema.js'
export type { RefusedConfig } from './schema.js'
export { RefusedAlreadyAcceptedError, RefusedNotFoundError, StillRefusedError } from './errors.js'
export { contactIdentifiers, refusedContacts } from './contacts.js'
