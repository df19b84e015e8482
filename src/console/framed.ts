import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Config } from '../config/index.js'
import { HIGHLEVEL_FRAME_ORIGINS, SsoDisabledError } from '../highlevel/index.js'
import { FRAMED_BASE, PAGES, pageShell, type ConsolePage } from './pages.js'

/** The Custom Page's entry: asks HighLevel for the user, signs in, goes on to the page asked for. */
export const FRAMED_ENTRY: ConsolePage = { name: 'highlevel', title: 'Opening tagrelay', nav: false }

/** Who may frame the Custom Page: HighLevel's app origins and the configured white-label ones. */
export function frameOrigins(config: Config): string[] {
  return [...new Set([...HIGHLEVEL_FRAME_ORIGINS, ...(config.highlevel.app?.customPage.frameOrigins ?? [])])]
}

/** The console's policy with `frame-ancestors` naming the framing origins instead of 'none'. */
export const framedCsp = (csp: string, origins: readonly string[]): string =>
  csp.replace("frame-ancestors 'none'", `frame-ancestors ${origins.join(' ')}`)

/**
 * `/console/highlevel`: the console as a HighLevel Custom Page. The same page shells under
 * one prefix, so that moving between pages stays inside the frame, sent with a policy
 * that lets HighLevel (and the configured white-label domains) frame them and without
 * `X-Frame-Options`; every other page keeps `frame-ancestors 'none'`. The assets stay at
 * `/console/assets/` (a subresource is not framed). Off (404) without
 * `highlevel.app.sharedSecret`.
 */
export function framedRoutes(app: FastifyInstance, config: Config, csp: string): void {
  const enabled = config.highlevel.app?.sharedSecret !== undefined
  const origins = frameOrigins(config)
  const policy = framedCsp(csp, origins)
  const html = (page: ConsolePage) => {
    const body = pageShell(page, { parentOrigins: origins })
    return async (_request: unknown, reply: FastifyReply) => {
      if (!enabled) throw new SsoDisabledError()
      reply.removeHeader('x-frame-options')
      return reply
        .header('content-security-policy', policy)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(body)
    }
  }
  app.get(FRAMED_BASE, html(FRAMED_ENTRY))
  const event = PAGES.find((p) => p.name === 'event') as ConsolePage
  for (const page of PAGES) if (page.nav) app.get(`${FRAMED_BASE}/${page.name}`, html(page))
  app.get(`${FRAMED_BASE}/events/:id`, html(event))
}
