import { errors, json, nullable, ref, type Json } from './common.js'

const nameParam: Json = {
  name: 'name',
  in: 'path',
  required: true,
  description: "the location's name, or an installed location's HighLevel locationId",
  schema: { type: 'string' },
}

/** An installed location as the change routes answer it. */
export const installedLocation: Json = {
  type: 'object',
  required: ['name', 'key', 'locationId', 'origin', 'disabled', 'state'],
  properties: {
    name: { type: 'string' },
    key: { type: 'string', description: 'what its jobs carry (the locationId of an install)' },
    locationId: { type: 'string' },
    origin: { type: 'string', enum: ['config', 'installed'] },
    disabled: { type: 'boolean' },
    state: { type: 'string', enum: ['active', 'awaiting-token', 'inactive', 'revoked', 'removed'] },
    stateReason: nullable('string'),
    companyId: nullable('string'),
    installedAt: nullable('string', { format: 'date-time' }),
  },
}

/** Fields /admin/locations adds to each entry (merged into LocationStatus). */
export const locationStatusExtra: Json = {
  origin: { type: 'string', enum: ['config', 'installed'], description: 'the YAML file, or an OAuth install' },
  disabled: { type: 'boolean' },
  state: {
    type: 'string',
    enum: ['active', 'awaiting-token', 'inactive', 'revoked', 'removed'],
    description:
      'awaiting-token: INSTALL webhook seen, code exchange not yet; inactive/revoked: HighLevel said so (Location is not active, app uninstalled); removed: by an admin or an UNINSTALL webhook',
  },
  stateReason: { type: 'string' },
  key: { type: 'string' },
  companyId: nullable('string'),
  installedAt: nullable('string', { format: 'date-time' }),
  tokenSource: { type: 'string', enum: ['location', 'company'] },
  reconnectUrl: nullable('string', { description: 'where an admin installs the app again (/oauth/install)' }),
}

const wrapped = json(
  { type: 'object', required: ['location'], properties: { location: ref('InstalledLocation') } },
  'the location as it is now',
)

/** Changes to installed locations, merged into the document's paths. */
export const locationPaths: Record<string, Json> = {
  '/admin/locations/{name}': {
    patch: {
      operationId: 'changeLocation',
      summary: 'Rename, disable or enable an installed location (no restart)',
      description:
        'A disabled location refuses events (404 TAGRELAY_LOCATION_DISABLED, nothing stored) and its pending jobs wait until it is enabled. Names are unique: a URL may use them (/hooks/<source>/<name>). Locations from the YAML file answer 409 TAGRELAY_LOCATION_FROM_CONFIG.',
      parameters: [nameParam],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              additionalProperties: false,
              properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, disabled: { type: 'boolean' } },
            },
          },
        },
      },
      responses: {
        200: wrapped,
        ...errors(400, 401, 404),
        409: json(ref('Error'), 'a YAML location, or the name is taken'),
      },
    },
    delete: {
      operationId: 'removeLocation',
      summary: 'Remove an installed location: its pending jobs become dead letters with the reason',
      parameters: [nameParam],
      responses: {
        200: json(
          {
            type: 'object',
            required: ['removed', 'deadLettered'],
            properties: { removed: { type: 'string' }, deadLettered: { type: 'integer' } },
          },
          'removed; later events for it answer 404 TAGRELAY_LOCATION_GONE',
        ),
        ...errors(401, 404),
        409: json(ref('Error'), 'a YAML location'),
      },
    },
  },
}

/** POST /admin/locations, beside GET in the same path item. */
export const addLocation: Json = {
  operationId: 'addLocation',
  summary: 'Add a location of an agency that installed the app (its token is minted when first needed)',
  requestBody: {
    required: true,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          additionalProperties: false,
          required: ['locationId', 'companyId'],
          properties: { locationId: { type: 'string' }, companyId: { type: 'string' }, name: { type: 'string' } },
        },
      },
    },
  },
  responses: { 201: wrapped, ...errors(400, 401), 409: json(ref('Error'), 'already installed, or the name is taken') },
}
