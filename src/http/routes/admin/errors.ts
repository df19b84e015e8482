import { TagrelayError } from '../../../errors.js'

/** No `admin.token` configured: the admin routes do not exist. */
export class AdminDisabledError extends TagrelayError {
  constructor() {
    super('TAGRELAY_ADMIN_DISABLED', 'admin routes are disabled: set admin.token in the config to enable them', 404)
  }
}

export class AdminUnauthorizedError extends TagrelayError {
  constructor(message: string) {
    super('TAGRELAY_ADMIN_UNAUTHORIZED', message, 401)
  }
}

export class AdminBadRequestError extends TagrelayError {
  constructor(message: string) {
    super('TAGRELAY_BAD_REQUEST', message, 400)
  }
}

/** A state-changing call with the session cookie but without its CSRF token, or from another origin. */
export class AdminCsrfError extends TagrelayError {
  constructor(message: string) {
    super('TAGRELAY_ADMIN_CSRF', message, 403)
  }
}

/** A viewer (signed in with `admin.viewerToken`) asked for a change. */
export class AdminReadOnlyError extends TagrelayError {
  constructor() {
    super(
      'TAGRELAY_ADMIN_READ_ONLY',
      'signed in as a viewer (admin.viewerToken): viewers see everything, change nothing',
      403,
    )
  }
}
