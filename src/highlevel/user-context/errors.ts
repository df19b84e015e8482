import { codes, TagrelayError } from '../../errors.js'

/**
 * Why a HighLevel user context (the Custom Page's single sign-on payload) was refused. Each
 * is a 401 with a stable code: the framed console shows the refusal and nothing else. No
 * message quotes the payload, the plaintext or the secret.
 */

/** Too large, not base64, not the OpenSSL salted format, or it does not decrypt (wrong secret, tampered, truncated). */
export class SsoPayloadUnreadableError extends TagrelayError {
  constructor(why: string) {
    super(
      codes.TAGRELAY_SSO_PAYLOAD_UNREADABLE,
      `the HighLevel user context cannot be read: ${why} (is highlevel.app.sharedSecret this app's Shared Secret?)`,
    )
  }
}

/** It decrypted, but to something that is not a user context of the documented shape. */
export class SsoContextInvalidError extends TagrelayError {
  constructor(why: string) {
    super(codes.TAGRELAY_SSO_CONTEXT_INVALID, `the HighLevel user context is not of the expected shape: ${why}`)
  }
}

/** The user's company or sub-account is not one this app is installed on (or the location is another company's). */
export class SsoNotInstalledError extends TagrelayError {
  constructor(why: string) {
    super(codes.TAGRELAY_SSO_NOT_INSTALLED, `no access through HighLevel: ${why}`)
  }
}

/** A user this mapping gives nothing to: an agency user who is not an admin, outside any sub-account. */
export class SsoNoAccessError extends TagrelayError {
  constructor(why: string) {
    super(codes.TAGRELAY_SSO_NO_ACCESS, `no access through HighLevel: ${why}`)
  }
}

/** No `highlevel.app.sharedSecret`: single sign-on from a Custom Page is off. */
export class SsoDisabledError extends TagrelayError {
  constructor() {
    super(
      codes.TAGRELAY_SSO_DISABLED,
      'single sign-on from HighLevel is off: set highlevel.app.sharedSecret (the Shared Secret of the app) to enable it',
    )
  }
}
