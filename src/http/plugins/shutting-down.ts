import type { FastifyInstance } from 'fastify'
import { codes, TagrelayError } from '../../errors.js'

export class ShuttingDownError extends TagrelayError {
  readonly retryAfter = 5
  constructor() {
    super(codes.TAGRELAY_SHUTTING_DOWN, 'tagrelay is shutting down; retry in a few seconds')
  }
}

/**
 * Requests that reach a closing server (on a kept-alive connection) get our usual
 * `{statusCode, code, message}` 503 with Retry-After, instead of Fastify's own body;
 * requests already past this hook are answered normally.
 */
export function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return
    void reply.header('connection', 'close')
    throw new ShuttingDownError()
  })
}
