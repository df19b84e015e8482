import type { FastifyError, FastifyInstance } from 'fastify'
import { TagrelayError } from '../errors.js'

/** Codes for the errors Fastify itself raises before our handlers run. */
const FASTIFY_CODES: Record<number, string> = {
  400: 'TAGRELAY_BAD_REQUEST',
  404: 'TAGRELAY_NOT_FOUND',
  408: 'TAGRELAY_REQUEST_TIMEOUT',
  413: 'TAGRELAY_BODY_TOO_LARGE',
  415: 'TAGRELAY_UNSUPPORTED_MEDIA_TYPE',
  503: 'TAGRELAY_UNAVAILABLE',
}

/**
 * The one error handler: every error leaves as `{statusCode, code, message}` with a stable
 * code. A 5xx never echoes an internal message; it is logged with its stack instead.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | TagrelayError, request, reply) => {
    let statusCode: number
    let code: string
    let message: string
    if (err instanceof TagrelayError) {
      ;({ statusCode, code, message } = err)
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      statusCode = err.statusCode
      code = FASTIFY_CODES[statusCode] ?? 'TAGRELAY_BAD_REQUEST'
      message = err.message
    } else {
      statusCode = 500
      code = 'TAGRELAY_INTERNAL'
      message = 'internal error; the event was not stored, retry later'
    }
    if (statusCode >= 500) request.log.error({ err }, 'request failed')
    else request.log.info({ code, reason: message }, 'request rejected')
    return reply.code(statusCode).send({ statusCode, code, message })
  })

  app.setNotFoundHandler((request, reply) => {
    const message = `no route ${request.method} ${request.url.split('?')[0]}`
    return reply.code(404).send({ statusCode: 404, code: 'TAGRELAY_NOT_FOUND', message })
  })
}
