import type { FastifyInstance } from 'fastify'

/**
 * Every route of an app as `METHOD /path` (HEAD left out: Fastify adds one per GET), read
 * from Fastify's own route table (`printRoutes({ commonPrefix: false })`): a route added
 * later is in the list without any test naming it.
 */
export function routeTable(app: FastifyInstance): Array<{ method: string; url: string }> {
  const out: Array<{ method: string; url: string }> = []
  const stack: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line.replace(/\u00a0/g, ' '))
    if (!m) continue
    const depth = Math.round((m[1] ?? '').length / 4)
    stack.length = depth
    stack.push(m[2] as string)
    const url = stack.join('')
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()))
      if (method && method !== 'HEAD') out.push({ method, url })
  }
  return out
}
