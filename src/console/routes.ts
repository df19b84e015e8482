import { readdirSync, readFileSync } from 'node:fs'
import { extname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Config } from '../config/index.js'
import { codes, TagrelayError } from '../errors.js'
import { framedRoutes } from './framed.js'
import { PAGES, pageShell } from './pages.js'

class ConsoleDisabledError extends TagrelayError {
  constructor() {
    super(codes.TAGRELAY_ADMIN_DISABLED, 'the console is disabled: set admin.token in the config to enable it')
  }
}

/**
 * No inline script or style anywhere, so the policy needs no 'unsafe-inline' and no nonce;
 * the pages talk to this origin only, and no other site may frame them (clickjacking).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url))

/** Every asset, read once at start: a handful of small files, served from memory. */
export function loadAssets(dir = ASSETS_DIR): Map<string, { body: Buffer; type: string }> {
  const out = new Map<string, { body: Buffer; type: string }>()
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const type = TYPES[extname(entry.name)]
    if (!entry.isFile() || !type) continue
    const path = join(entry.parentPath, entry.name)
    out.set(relative(dir, path).split('\\').join('/'), { body: readFileSync(path), type })
  }
  return out
}

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
}

/**
 * /console: the pages and their assets (and, framed in HighLevel, `framed.ts`). The pages are shells; everything they show or
 * change goes through the admin API with the session cookie, so the console can do
 * nothing the API does not allow (and a viewer's buttons would be refused there too).
 */
export function consoleRoutes(app: FastifyInstance, config: Config): void {
  const assets = loadAssets()
  app.addHook('onRequest', async () => {
    if (config.admin.token === undefined) throw new ConsoleDisabledError()
  })
  const html = (name: string) => {
    const body = pageShell(PAGES.find((p) => p.name === name) as (typeof PAGES)[number])
    return async (_request: unknown, reply: FastifyReply) =>
      secure(reply).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body)
  }
  app.get('/console', async (_request, reply) => reply.redirect('/console/events'))
  for (const page of PAGES) if (page.name !== 'event') app.get(`/console/${page.name}`, html(page.name))
  app.get('/console/events/:id', html('event'))
  framedRoutes(app, config, CONSOLE_CSP)
  app.get<{ Params: { '*': string } }>('/console/assets/*', async (request, reply) => {
    const asset = assets.get(request.params['*'])
    if (!asset) return reply.callNotFound()
    return secure(reply).header('cache-control', 'no-cache').type(asset.type).send(asset.body)
  })
}
