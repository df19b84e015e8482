import { deadFilterParams } from './console-ux.js'
import { errors, json, stringList, type Json } from './common.js'
import { scopeSchema } from './portal-links.js'

const session: Json = {
  type: 'object',
  required: ['role', 'expiresAt', 'csrfToken'],
  properties: {
    role: { enum: ['admin', 'viewer'], description: 'viewers read everything in their scope and change nothing' },
    scope: scopeSchema,
    scopeName: { type: 'string', description: '"All locations", the location\'s name, or the company and its count' },
    via: { enum: ['token', 'sign-in', 'sso', 'portal-link'], description: 'how the session was opened' },
    expiresAt: { type: ['string', 'null'], format: 'date-time', description: 'null when called with a bearer token' },
    csrfToken: {
      type: ['string', 'null'],
      description: 'send it as `x-csrf-token` on every state-changing call made with the session cookie',
    },
  },
}

/** The routes the console (`/console`) needs beside the others: sessions, rules, counts. */
export const consolePaths: Record<string, Json> = {
  '/admin/session': {
    post: {
      operationId: 'signIn',
      summary: 'Sign in with the admin or viewer token: sets the session cookie (HttpOnly, SameSite=Strict)',
      security: [],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['token'],
              additionalProperties: false,
              properties: { token: { type: 'string' } },
            },
          },
        },
      },
      responses: {
        200: json(session, 'signed in; the cookie is in Set-Cookie'),
        ...errors(400, 401, 404, 429),
      },
    },
    get: {
      operationId: 'getSession',
      summary: 'Who is calling, and the CSRF token of the session',
      responses: { 200: json(session, 'the caller'), ...errors(401) },
    },
    delete: {
      operationId: 'signOut',
      summary: 'Sign out: ends the session and clears the cookie',
      responses: { 204: { description: 'signed out' }, ...errors(401) },
    },
  },
  '/admin/rules': {
    get: {
      operationId: 'listRules',
      summary: 'The rules in force, each with how many events it matched since this process started',
      responses: {
        200: json(
          {
            type: 'object',
            required: ['version', 'matchesSince', 'sources', 'rules'],
            properties: {
              version: { type: 'string' },
              matchesSince: { type: 'string', format: 'date-time' },
              sources: stringList,
              rules: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['name', 'source', 'matches'],
                  properties: {
                    name: { type: 'string' },
                    source: { type: 'string' },
                    when: { description: 'the condition as written, or null' },
                    tags: { type: 'array' },
                    untag: { type: 'array' },
                    location: { type: ['string', 'null'] },
                    stop: { type: 'boolean' },
                    matches: { type: 'integer', minimum: 0 },
                  },
                },
              },
            },
          },
          'the rules',
        ),
        ...errors(401),
      },
    },
  },
  '/admin/dead-letters/count': {
    get: {
      operationId: 'countDeadLetters',
      summary: 'How many dead letters match a filter (before replaying them all)',
      parameters: deadFilterParams,
      responses: {
        200: json(
          { type: 'object', required: ['count'], properties: { count: { type: 'integer', minimum: 0 } } },
          'the count',
        ),
        ...errors(400, 401),
      },
    },
  },
}
