import { codes, TagrelayError } from '../../../errors.js'

/** No `admin.token` configured: the admin routes do not exist. */
export class AdminDisabledError extends TagrelayError {
  constructor() {
    super(codes.TAGRELAY_ADMIN_DISABLED, 'admin routes are disabled: set admin.token in the config to enable them')
  }
}

export class AdminUnauthorizedError extends TagrelayError {
  constructor(message: string) {
    super(codes.TAGRELAY_ADMIN_UNAUTHORIZED, message)
  }
}

export class AdminBadRequestError extends TagrelayError {
  constructor(message: string) {
    super(codes.TAGRELAY_BAD_REQUEST, message)
  }
}

/** A state-changing call with the session cookie but without its CSRF token, or from another origin. */
export class AdminCsrfError extends TagrelayError {
  constructor(message: string) {
    super(codes.TAGRELAY_ADMIN_CSRF, message)
  }
}

/** A viewer (signed in with `admin.viewerToken`) asked for a change. */
export class AdminReadOnlyError extends TagrelayError {
  constructor() {
    super(
      codes.TAGRELAY_ADMIN_READ_ONLY,
      'signed in as a viewer (admin.viewerToken): viewers see everything, change nothing',
    )
  }
}

/**
 * A route over something global (the rules files, alerts, portal links, adding a
 * location), or a change that would reach outside the caller's scope: only a credential
 * of scope `all` may. Never answered for an id outside the scope: that is a 404, like an
 * unknown id, so a scoped caller cannot learn what exists outside.
 */
export class AdminScopeError extends TagrelayError {
  constructor(what: string) {
    super(
      codes.TAGRELAY_ADMIN_SCOPE,
      `${what} needs a credential of scope all (admin.token or a session of every location)`,
    )
  }
}

/** A portal link's secret that no link has (mistyped, or cut short when copied). */
export class PortalLinkUnknownError extends TagrelayError {
  constructor() {
    super(codes.TAGRELAY_PORTAL_LINK_UNKNOWN, 'this link is not valid: ask for a new one')
  }
}

export class PortalLinkUsedError extends TagrelayError {
  constructor() {
    super(
      codes.TAGRELAY_PORTAL_LINK_USED,
      'this link was already used: a portal link opens one session; ask for a new one',
    )
  }
}

export class PortalLinkExpiredError extends TagrelayError {
  constructor() {
    super(codes.TAGRELAY_PORTAL_LINK_EXPIRED, 'this link has expired: ask for a new one')
  }
}

export class PortalLinkRevokedError extends TagrelayError {
  constructor() {
    super(codes.TAGRELAY_PORTAL_LINK_REVOKED, 'this link was revoked by an admin: ask for a new one')
  }
}

export class PortalLinkNotFoundError extends TagrelayError {
  constructor(id: string) {
    super(codes.TAGRELAY_PORTAL_LINK_NOT_FOUND, `no portal link ${id}`)
  }
}
