/** Small builders for the admin API's OpenAPI document. */
export type Json = Record<string, unknown>

export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` })
export const json = (schema: Json, description: string): Json => ({
  description,
  content: { 'application/json': { schema } },
})
export const errors = (...codes: number[]): Json =>
  Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/E${c}` }]))
export const nullable = (type: string, extra: Json = {}): Json => ({ type: [type, 'null'], ...extra })
export const stringList: Json = { type: 'array', items: { type: 'string' } }
export const idParam = (description: string): Json => ({
  name: 'id',
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
})

export const ERROR_TEXT: Record<number, string> = {
  400: 'invalid query or body',
  401: 'missing or wrong admin token',
  403: 'refused: a viewer asked for a change (TAGRELAY_ADMIN_READ_ONLY), the CSRF check failed (TAGRELAY_ADMIN_CSRF), or the route needs a credential of scope all (TAGRELAY_ADMIN_SCOPE)',
  404: 'not found (or admin disabled: no admin.token)',
  410: 'the portal link was already used, has expired or was revoked (TAGRELAY_PORTAL_LINK_USED, _EXPIRED, _REVOKED)',
  429: 'too many wrong tokens from this address: held (Retry-After), TAGRELAY_ADMIN_THROTTLED',
}

export const REPLAYED = {
  type: 'object',
  required: ['replayed'],
  properties: { replayed: { type: 'array', items: { type: 'integer' } } },
} as const
