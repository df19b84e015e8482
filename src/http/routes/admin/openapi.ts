import type { FastifyInstance } from 'fastify'
import { ERROR_TEXT, json, ref } from './openapi/common.js'
import { paths } from './openapi/paths.js'
import { schemas } from './openapi/schemas.js'
import { portalLinkPaths } from './openapi/portal-links.js'
import { addLocation, installedLocation, locationPaths, locationStatusExtra } from './openapi/locations.js'

const status = schemas.LocationStatus as { properties: Record<string, unknown> }

/**
 * The admin API's OpenAPI 3.1 document, written by hand beside the routes. Why by hand:
 * the routes validate with zod and answer plain objects, and a generator would need
 * every route rewritten around it; a test keeps the document honest instead (valid
 * OpenAPI, every listed route served). The dead-letter routes are served by the
 * delivery engine's admin routes; they are described here so there is one document.
 */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'tagrelay admin API',
    version: '1',
    description:
      'Every route needs `Authorization: Bearer <admin.token>` or the console session cookie (401 without; 404 TAGRELAY_ADMIN_DISABLED when no token is configured). `admin.viewerToken` (bearer or session) reads and changes nothing (403 TAGRELAY_ADMIN_READ_ONLY). A state-changing call with the cookie needs `x-csrf-token` from GET /admin/session and no foreign Origin (403 TAGRELAY_ADMIN_CSRF). Every credential has a scope (issue 28): the tokens see everything; a console session (sign-in, SSO, portal link) may see one company or some locations, and then every route answers only within it: an id outside answers the 404 of an unknown id, and global routes (alerts, the rules tester, adding a location, portal links) answer 403 TAGRELAY_ADMIN_SCOPE.',
  },
  servers: [{ url: '/' }],
  security: [{ adminToken: [] }, { consoleSession: [] }, { consoleSessionHeader: [] }],
  paths: {
    ...paths,
    '/admin/locations': { ...(paths['/admin/locations'] as object), post: addLocation },
    ...locationPaths,
    ...portalLinkPaths,
  },
  components: {
    securitySchemes: {
      adminToken: { type: 'http', scheme: 'bearer', description: 'admin.token (or admin.viewerToken, read-only)' },
      consoleSession: {
        type: 'apiKey',
        in: 'cookie',
        name: 'tagrelay_session',
        description: 'set by POST /admin/session or POST /admin/portal-links/exchange',
      },
      consoleSessionHeader: {
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
        description:
          '`Session <value>`: the same session value, for the console framed in HighLevel where cookies are blocked; no CSRF token needed',
      },
    },
    responses: Object.fromEntries(
      Object.keys(ERROR_TEXT)
        .map(Number)
        .map((c) => [`E${c}`, json(ref('Error'), ERROR_TEXT[c] as string)]),
    ),
    schemas: {
      ...schemas,
      LocationStatus: { ...status, properties: { ...status.properties, ...locationStatusExtra } },
      InstalledLocation: installedLocation,
    },
  },
} as const

/** GET /admin/openapi.json (behind the admin token like the rest). */
export function openApiRoute(app: FastifyInstance): void {
  app.get('/admin/openapi.json', async () => openApiDocument)
}
