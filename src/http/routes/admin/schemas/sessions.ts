import { z } from 'zod'
import { errors, isoTime, json, named, noContent, noParameters, nullableTime } from './common.js'

const role = z.enum(['admin', 'viewer'])
const scopeText = 'everything, every location installed under a HighLevel company, or a list of HighLevel location ids'

/** A scope as a caller writes it (issue 28). */
export const scopeRequest = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('all') }),
    z.strictObject({ kind: z.literal('company'), companyId: z.string().min(1).max(200) }),
    z.strictObject({
      kind: z.literal('locations'),
      locationIds: z.array(z.string().min(1).max(200)).min(1).max(200),
    }),
  ])
  .describe(scopeText)

/** A scope as the admin API answers it. */
const Scope = named(
  'Scope',
  z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('all') }),
      z.object({ kind: z.literal('company'), companyId: z.string() }),
      z.object({ kind: z.literal('locations'), locationIds: z.array(z.string()).readonly() }),
    ])
    .describe(scopeText),
)

const Session = named(
  'Session',
  z.object({
    role: role.describe('viewers read everything in their scope and change nothing'),
    scope: Scope,
    scopeName: z.string().describe('"All locations", the location\'s name, or the company and its count'),
    via: z.enum(['token', 'sign-in', 'sso', 'portal-link']).describe('how the session was opened'),
    expiresAt: nullableTime.describe('null when called with a bearer token'),
    csrfToken: z
      .string()
      .nullable()
      .describe('send it as `x-csrf-token` on every state-changing call made with the session cookie'),
  }),
)

export const signIn = {
  operationId: 'signIn',
  summary: 'Sign in with the admin or viewer token: sets the session cookie (HttpOnly, SameSite=Strict)',
  security: [],
  body: z.strictObject({ token: z.string().min(1).max(1024) }),
  response: { 200: json(Session, 'signed in; the cookie is in Set-Cookie'), ...errors(400, 401, 403, 404, 429) },
}

export const getSession = {
  operationId: 'getSession',
  summary: 'Who is calling, and the CSRF token of the session',
  querystring: noParameters,
  response: { 200: json(Session, 'the caller'), ...errors(401) },
}

export const signOut = {
  operationId: 'signOut',
  summary: 'Sign out: ends the session and clears the cookie',
  querystring: noParameters,
  response: { 204: noContent('signed out'), ...errors(401) },
}

export const signInFromHighLevel = {
  operationId: 'signInFromHighLevel',
  summary:
    "Sign in with HighLevel's user context (the encrypted payload a Custom Page gets from its parent window): answers a session for `Authorization: Session <session>`, never a cookie. Refusals: 401 TAGRELAY_SSO_PAYLOAD_UNREADABLE, TAGRELAY_SSO_CONTEXT_INVALID, TAGRELAY_SSO_NOT_INSTALLED, TAGRELAY_SSO_NO_ACCESS; 404 TAGRELAY_SSO_DISABLED without highlevel.app.sharedSecret",
  security: [],
  body: z.strictObject({ payload: z.string().describe('as HighLevel gave it') }),
  response: {
    200: json(
      z.object({
        session: z.string().describe('send it as `Authorization: Session <session>`'),
        role: role.describe("HighLevel's admin is an admin, its user a viewer"),
        scope: Scope,
        expiresAt: isoTime,
      }),
      'signed in',
    ),
    ...errors(400, 401, 403, 404, 429),
  },
}

const PortalLink = named(
  'PortalLink',
  z.object({
    id: z.string(),
    label: z.string(),
    scope: Scope,
    role: z.string().describe('admin or viewer'),
    createdBy: z.string(),
    createdAt: isoTime,
    expiresAt: isoTime,
    usedAt: nullableTime,
    revokedAt: nullableTime,
    state: z.enum(['unused', 'used', 'expired', 'revoked']),
  }),
)

export const makePortalLink = {
  operationId: 'makePortalLink',
  summary:
    'Make a one-time console link of a scope and role (admin, scope all). The secret is in the URL fragment, shown once; only its hash is stored',
  body: z.strictObject({
    scope: scopeRequest,
    role: role.default('viewer'),
    ttlMinutes: z.number().int().min(1).max(10_080).default(60),
    label: z.string().min(1).max(200).optional(),
  }),
  response: {
    201: json(PortalLink.extend({ url: z.string() }), 'the link: <publicUrl or this origin>/console/portal#<secret>'),
    ...errors(400, 401, 403),
  },
}

export const listPortalLinks = {
  operationId: 'listPortalLinks',
  summary: 'The portal links, newest first (200), without secrets (admin or viewer, scope all)',
  querystring: noParameters,
  response: { 200: json(z.object({ links: z.array(PortalLink) }), 'links'), ...errors(401, 403) },
}

export const revokePortalLink = {
  operationId: 'revokePortalLink',
  summary: 'Revoke a link: it opens nothing from now on (a session it opened runs to its end)',
  params: z.object({ id: z.string() }),
  response: { 204: noContent('revoked'), ...errors(401, 403, 404) },
}

export const exchangePortalLink = {
  operationId: 'exchangePortalLink',
  summary:
    "Exchange a link's secret for a console session of its scope and role (sets the cookie). Unauthenticated, throttled like the sign-in; single use",
  security: [],
  body: z.strictObject({ secret: z.string().min(20).max(200) }),
  response: { 200: json(Session, 'the session'), ...errors(400, 401, 403, 410, 429) },
}
