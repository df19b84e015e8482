import { errors, json, type Json } from './common.js'

const scope: Json = {
  oneOf: [
    {
      type: 'object',
      required: ['kind', 'companyId'],
      properties: { kind: { const: 'company' }, companyId: { type: 'string' } },
    },
    {
      type: 'object',
      required: ['kind', 'locationIds'],
      properties: { kind: { const: 'locations' }, locationIds: { type: 'array', items: { type: 'string' } } },
    },
  ],
}

/** Single sign-on from the console framed in HighLevel (a Custom Page). */
export const ssoPaths: Record<string, Json> = {
  '/admin/sso/highlevel': {
    post: {
      operationId: 'signInFromHighLevel',
      summary:
        "Sign in with HighLevel's user context (the encrypted payload a Custom Page gets from its parent window): answers a session for `Authorization: Session <session>`, never a cookie. Refusals: 401 TAGRELAY_SSO_PAYLOAD_UNREADABLE, TAGRELAY_SSO_CONTEXT_INVALID, TAGRELAY_SSO_NOT_INSTALLED, TAGRELAY_SSO_NO_ACCESS; 404 TAGRELAY_SSO_DISABLED without highlevel.app.sharedSecret",
      security: [],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['payload'],
              additionalProperties: false,
              properties: { payload: { type: 'string', maxLength: 8192, description: 'as HighLevel gave it' } },
            },
          },
        },
      },
      responses: {
        200: json(
          {
            type: 'object',
            required: ['session', 'role', 'scope', 'expiresAt'],
            properties: {
              session: { type: 'string', description: 'send it as `Authorization: Session <session>`' },
              role: { enum: ['admin', 'viewer'], description: "HighLevel's admin is an admin, its user a viewer" },
              scope,
              expiresAt: { type: 'string', format: 'date-time' },
            },
          },
          'signed in',
        ),
        ...errors(400, 401, 404, 429),
      },
    },
  },
}
