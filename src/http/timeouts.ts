import type { ServerOptions } from 'node:http'

/**
 * Node's own limits on slow clients, set from the config. Why all three: Fastify passes
 * `requestTimeout` on, but Node keeps `headersTimeout` at 60 s and checks both only every
 * `connectionsCheckingInterval` (30 s by default), so 2,000 slow-header connections stayed
 * open about 72 s with `requestTimeoutMs: 10000`. Checked every quarter of the headers
 * limit (at most 1 s), a slow client is cut within that much of its limit, with a 408.
 */
export function serverTimeouts(server: { requestTimeoutMs: number; headersTimeoutMs: number }): ServerOptions {
  const headersTimeout = Math.min(server.headersTimeoutMs, server.requestTimeoutMs)
  return {
    requestTimeout: server.requestTimeoutMs,
    headersTimeout,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
  }
}
