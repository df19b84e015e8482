import { z } from 'zod'
import { codes } from '../../../../errors.js'

/**
 * A named shape: `components.schemas.<id>` of the generated OpenAPI document, referenced by
 * `$ref` (in zod's global registry, beside the descriptions; no other schema has an id).
 */
export const named = <T extends z.ZodType>(id: string, schema: T): T => schema.meta({ id }) as T

/** Every error the admin API answers, from the one error handler. */
export const ErrorAnswer = named(
  'Error',
  z.object({
    statusCode: z.number().int(),
    code: z.string().meta({ examples: [codes.TAGRELAY_ADMIN_UNAUTHORIZED] }),
    message: z.string(),
  }),
)

const ERROR_TEXT: Record<number, string> = {
  400: 'invalid query or body',
  401: 'missing or wrong admin token',
  403: 'refused: a viewer asked for a change (TAGRELAY_ADMIN_READ_ONLY), the CSRF check failed (TAGRELAY_ADMIN_CSRF), or the route needs a credential of scope all (TAGRELAY_ADMIN_SCOPE)',
  404: 'not found (or admin disabled: no admin.token)',
  410: 'the portal link was already used, has expired or was revoked (TAGRELAY_PORTAL_LINK_USED, _EXPIRED, _REVOKED)',
  429: 'too many wrong tokens from this address: held (Retry-After), TAGRELAY_ADMIN_THROTTLED',
}

/** A JSON answer with its description (the OpenAPI response object). */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

/** Error answers by status, each an `Error`; `text` overrides the usual description. */
export function errors(...codes: Array<number | [number, string]>) {
  return Object.fromEntries(
    codes.map((c) => {
      const [code, text] = Array.isArray(c) ? c : [c, ERROR_TEXT[c] ?? 'refused']
      return [code, json(ErrorAnswer, text)]
    }),
  )
}

/** An answer with no body (204). */
export const noContent = (description: string) => z.undefined().describe(description)

/** Epoch ms shown as ISO 8601 (UTC), the one time format of the admin API. */
export const isoTime = z.string().meta({ format: 'date-time' })
export const nullableTime = isoTime.nullable()
export const strings = z.array(z.string())

/** Who an event or job is about, as the rules read it. */
export const Contact = named(
  'Contact',
  z.object({ email: z.string().optional(), phone: z.string().optional(), id: z.string().optional() }),
)

/** The request schema of a route that reads no parameters (unknown ones are ignored). */
export const noParameters = z.object({})

/** A path parameter `id` that is any non-empty text (an event or a refused request). */
export const textId = (description: string) => z.object({ id: z.string().describe(description) })

/** Something the domain shapes (a rule trace, a response body): passed on as it is. */
export const anyObject = z.custom<object>((v) => typeof v === 'object' && v !== null).meta({ type: 'object' })

/** HighLevel's rate-limit headers; each field null when absent or unparsable. */
export const RateLimit = named(
  'RateLimit',
  z.object({
    max: z.number().int().nullable().optional(),
    remaining: z.number().int().nullable(),
    intervalMs: z.number().int().nullable().optional(),
    dailyLimit: z.number().int().nullable().optional(),
    dailyRemaining: z.number().int().nullable(),
  }),
)
