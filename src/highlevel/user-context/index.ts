/**
 * HighLevel's user context: the encrypted payload a Custom Page's parent window hands the
 * framed page, decrypted with the app's Shared Secret, validated, and mapped to what the
 * user may see in tagrelay (a scope and a role). No Fastify here: the route is in http/.
 */
import { decryptUserContext } from './decrypt.js'
import { parseUserContext, type UserContext } from './schema.js'

export { decryptUserContext, evpBytesToKey, MAX_PAYLOAD_CHARS } from './decrypt.js'
export { parseUserContext, userContextSchema, type UserContext } from './schema.js'
export { grantFor, type InstallLookup, type SsoGrant } from './scope.js'
export {
  SsoContextInvalidError,
  SsoDisabledError,
  SsoNoAccessError,
  SsoNotInstalledError,
  SsoPayloadUnreadableError,
} from './errors.js'

/** Decrypts and validates a payload in one step. */
export function readUserContext(payload: string, sharedSecret: string): UserContext {
  return parseUserContext(decryptUserContext(payload, sharedSecret))
}
