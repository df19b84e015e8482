import type { FastifyInstance, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify'
import { serializerCompiler } from 'fastify-type-provider-zod'
import type { z } from 'zod'
import { formatIssues } from '../../../config/index.js'
import { AdminBadRequestError } from './errors.js'

type Issue = z.core.$ZodIssue
type Formatter = (errors: FastifySchemaValidationError[], dataVar: string) => Error

/**
 * Validates with zod, keeping each issue whole (`params.issue`) for the answer's message.
 * A request without a body is validated as `{}`, as the handlers read it before schemas.
 */
const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const parsed = schema.safeParse(httpPart === 'body' && data == null ? {} : data)
    if (parsed.success) return { value: parsed.data }
    const error = parsed.error.issues.map((issue) => ({
      keyword: issue.code,
      instancePath: `/${issue.path.join('/')}`,
      schemaPath: '',
      params: { issue },
      message: issue.message,
    }))
    return { error: error as unknown as Error }
  }

const issuesOf = (errors: FastifySchemaValidationError[]): Issue[] =>
  errors.map((e) => (e.params as { issue: Issue }).issue)

/**
 * The 400 of an invalid request: `<prefix>: <path>: <reason>; ...` (TAGRELAY_BAD_REQUEST),
 * from the one error handler. `format` turns zod's issues into the reasons.
 */
export function badRequest(
  prefix = 'invalid request',
  format: (issues: Issue[]) => string[] = formatIssues,
): Formatter {
  return (errors) => new AdminBadRequestError(`${prefix}: ${format(issuesOf(errors)).join('; ')}`)
}

/** A 400 whose message says what to send, whatever was wrong (the sign-in routes). */
export const badRequestSaying =
  (message: string): Formatter =>
  () =>
    new AdminBadRequestError(message)

/**
 * The admin routes' schemas are zod: requests are validated (and coerced) before the
 * handler, answers are shaped by them (a field no schema names is not sent). Every admin
 * route declares both, or the service does not start: the OpenAPI document is made of them.
 */
export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setSchemaErrorFormatter(badRequest())
  app.addHook('onRoute', (route) => {
    const s = route.schema
    if (!s?.response || !(s.querystring ?? s.params ?? s.body))
      throw new Error(`admin route ${String(route.method)} ${route.url} needs a request and a response schema`)
  })
}
