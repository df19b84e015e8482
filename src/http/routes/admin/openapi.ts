import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { errors, json, noParameters } from './schemas/common.js'

const description =
  'Every route needs `Authorization: Bearer <admin.token>` or the console session cookie (401 without; 404 TAGRELAY_ADMIN_DISABLED when no token is configured). `admin.viewerToken` (bearer or session) reads and changes nothing (403 TAGRELAY_ADMIN_READ_ONLY). A state-changing call with the cookie needs `x-csrf-token` from GET /admin/session and no foreign Origin (403 TAGRELAY_ADMIN_CSRF). Every credential has a scope (issue 28): the tokens see everything; a console session (sign-in, SSO, portal link) may see one company or some locations, and then every route answers only within it: an id outside answers the 404 of an unknown id, and global routes (alerts, the rules tester, adding a location, portal links) answer 403 TAGRELAY_ADMIN_SCOPE.'

/**
 * The admin API's OpenAPI 3.1 document, generated from the routes' zod schemas by
 * `@fastify/swagger` (registered in the admin plugin before its routes, so it sees the
 * admin routes only), and GET /admin/openapi.json, behind the admin token like the rest.
 * Only what no route says is written here: the title, the credentials, the servers.
 */
export async function openApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'tagrelay admin API', version: '1', description },
      servers: [{ url: '/' }],
      security: [{ adminToken: [] }, { consoleSession: [] }, { consoleSessionHeader: [] }],
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
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => withoutUnused(jsonSchemaTransformObject(document)),
  })
  const schema = {
    operationId: 'openapi',
    summary: 'This document',
    querystring: noParameters,
    response: { 200: json(z.record(z.string(), z.unknown()), 'the OpenAPI document'), ...errors(401) },
  }
  app.get('/admin/openapi.json', { schema }, async () => app.swagger())
}

type Json = Record<string, unknown>

/**
 * The document without the named shapes nothing refers to: the transform writes each one
 * twice, as an answer and as a request (`<id>Input`), and most are only answers.
 */
function withoutUnused<T>(document: T): T {
  const doc = document as Json & { components?: { schemas?: Json } }
  const schemas = doc.components?.schemas ?? {}
  const refs = (node: unknown): string[] =>
    node === null || typeof node !== 'object'
      ? []
      : Object.entries(node).flatMap(([k, v]) =>
          k === '$ref' && typeof v === 'string' ? [v.replace('#/components/schemas/', '')] : refs(v),
        )
  const used = new Set<string>()
  for (let next = refs(doc.paths); next.length > 0;)
    next = next.filter((id) => !used.has(id) && used.add(id)).flatMap((id) => refs(schemas[id]))
  for (const id of Object.keys(schemas)) if (!used.has(id)) delete schemas[id]
  return document
}
