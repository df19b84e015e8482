import type { FastifyInstance } from 'fastify'

/**
 * No answer of this service may be framed (clickjacking) unless a route says otherwise:
 * `frame-ancestors 'none'` and `X-Frame-Options: DENY` on every response, set before the
 * route runs so that refusals carry them too. The console sets its full policy over it;
 * only the HighLevel Custom Page (`/console/highlevel`) names who may frame it.
 */
export function frameGuard(app: FastifyInstance): void {
  // a callback hook, not an async one: it runs on every request, webhooks included, and
  // two headers need no promise
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('content-security-policy', "frame-ancestors 'none'").header('x-frame-options', 'DENY')
    done()
  })
}
