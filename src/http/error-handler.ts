import type { FastifyError, FastifyInstance } from 'fastify'
import type { RejectionCounter } from '../common/rejections.js'
import { codes, TagrelayError } from '../errors.js'

/** Codes for the errors Fastify itself raises before our handlers run, and @fastify/sensible's `httpErrors`. */
const FASTIFY_CODES: Record<number, string> = {
  400: codes.TAGRELAY_BAD_REQUEST,
  404: codes.TAGRELAY_NOT_FOUND,
  408: codes.TAGRELAY_REQUEST_TIMEOUT,
  413: codes.TAGRELAY_BODY_TOO_LARGE,
  415: codes.TAGRELAY_UNSUPPORTED_MEDIA_TYPE,
  503: codes.TAGRELAY_UNAVAILABLE,
}

export interface ErrorHandlerOptions {
  rejections?: RejectionCounter
  /** the source label for a request's `:source` param ("(unknown)" when not configured) */
  sourceOf?: (param: string | undefined) => string
}

/**
 * The one error handler: every error leaves as `{statusCode, code, message}` with a stable
 * code. A 5xx never echoes an internal message; it is logged with its stack instead. A 4xx
 * is one log line with the source, code and reason, and one count.
 */
export function installErrorHandler(app: FastifyInstance, opts: ErrorHandlerOptions = {}): void {
  app.setErrorHandler((err: FastifyError | TagrelayError, request, reply) => {
    let statusCode: number
    let code: string
    let message: string
    if (err instanceof TagrelayError) {
      ;({ statusCode, code, message } = err)
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      statusCode = err.statusCode
      code = FASTIFY_CODES[statusCode] ?? codes.TAGRELAY_BAD_REQUEST
      message = err.message
    } else {
      statusCode = 500
      code = codes.TAGRELAY_INTERNAL
      message = 'internal error; the event was not stored, retry later'
    }
    const param = (request.params as { source?: string } | undefined)?.source
    const source = opts.sourceOf ? opts.sourceOf(param) : (param ?? '(unknown)')
    if (statusCode >= 500) request.log.error({ err, source }, 'request failed')
    else {
      // `detail` is the verifier's internal reason (e.g. "digest mismatch"): logged, never answered
      const detail = (err as { reason?: unknown }).reason
      request.log.info(
        { source, code, reason: message, ...(typeof detail === 'string' ? { detail } : {}) },
        'request rejected',
      )
    }
    opts.rejections?.inc(source, code)
    const retryAfter = (err as { retryAfter?: unknown }).retryAfter
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter))
    return reply.code(statusCode).send({ statusCode, code, message })
  })

  // through the handler above like every other refusal (logged, counted): @fastify/sensible's
  // 404 carries no code of ours, so it answers the code of its status, TAGRELAY_NOT_FOUND
  app.setNotFoundHandler((request, reply) => reply.notFound(`no route ${request.method} ${request.url.split('?')[0]}`))
}
