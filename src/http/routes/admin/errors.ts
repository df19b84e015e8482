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
