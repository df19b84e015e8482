import { errors, json, type Json } from './common.js'

/** A scope as the admin API writes it (issue 28). */
export const scopeSchema: Json = {
  oneOf: [
    { type: 'object', required: ['kind'], additionalProperties: false, properties: { kind: { const: 'all' } } },
    {
      type: 'object',
      required: ['kind', 'companyId'],
      additionalProperties: false,
      properties: { kind: { const: 'company' }, companyId: { type: 'string' } },
    },
    {
      type: 'object',
      required: ['kind', 'locationIds'],
      additionalProperties: false,
      properties: {
        kind: { const: 'locations' },
        locationIds: { type: 'array', minItems: 1, items: { type: 'string' } },
      },
    },
  ],
  description: 'everything, every location installed under a HighLevel company, or a list of HighLevel location ids',
}

const link: Json = {
  type: 'object',
  required: ['id', 'label', 'scope', 'role', 'createdAt', 'expiresAt', 'state'],
  properties: {
    id: { type: 'string' },
    label: { type: 'string' },
    scope: scopeSchema,
    role: { enum: ['admin', 'viewer'] },
    createdBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
    usedAt: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    state: { enum: ['unused', 'used', 'expired', 'revoked'] },
  },
}

const body = (properties: Json, required: string[]): Json => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', required, additionalProperties: false, properties } } },
})

/** POST/GET /admin/portal-links, DELETE /admin/portal-links/{id}, POST /admin/portal-links/exchange. */
export const portalLinkPaths: Record<string, Json> = {
  '/admin/portal-links': {
    post: {
      operationId: 'makePortalLink',
      summary:
        'Make a one-time console link of a scope and role (admin, scope all). The secret is in the URL fragment, shown once; only its hash is stored',
      requestBody: body(
        {
          scope: scopeSchema,
          role: { enum: ['admin', 'viewer'], default: 'viewer' },
          ttlMinutes: { type: 'integer', minimum: 1, maximum: 10080, default: 60 },
          label: { type: 'string' },
        },
        ['scope'],
      ),
      responses: {
        201: json(
          { allOf: [link, { type: 'object', required: ['url'], properties: { url: { type: 'string' } } }] },
          'the link: <publicUrl or this origin>/console/portal#<secret>',
        ),
        ...errors(400, 401, 403),
      },
    },
    get: {
      operationId: 'listPortalLinks',
      summary: 'The portal links, newest first (200), without secrets (admin or viewer, scope all)',
      responses: {
        200: json(
          { type: 'object', required: ['links'], properties: { links: { type: 'array', items: link } } },
          'links',
        ),
        ...errors(401, 403),
      },
    },
  },
  '/admin/portal-links/{id}': {
    delete: {
      operationId: 'revokePortalLink',
      summary: 'Revoke a link: it opens nothing from now on (a session it opened runs to its end)',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 204: { description: 'revoked' }, ...errors(401, 403, 404) },
    },
  },
  '/admin/portal-links/exchange': {
    post: {
      operationId: 'exchangePortalLink',
      summary:
        "Exchange a link's secret for a console session of its scope and role (sets the cookie). Unauthenticated, throttled like the sign-in; single use",
      security: [],
      requestBody: body({ secret: { type: 'string' } }, ['secret']),
      responses: {
        200: json({ type: 'object', required: ['role', 'scope', 'scopeName', 'csrfToken'] }, 'the session'),
        ...errors(400, 401, 410, 429),
      },
    },
  },
}
