import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { codes, TagrelayError } from '../../errors.js'
import { appWebhookSchema, STATE_TTL_SEC } from '../../locations/index.js'
import { createSourceRegistry, headersFromRaw, sourceSchema } from '../../sources/index.js'
import type { RouteDeps } from '../deps.js'
import { cookieValue } from './admin/sessions.js'

/** The install's browser binding (oauth-state.ts): Lax, since HighLevel sends the browser back with a top-level GET. */
const INSTALL_COOKIE = 'tagrelay_oauth'

function installCookie(reply: FastifyReply, request: FastifyRequest, value: string, maxAgeSec: number): void {
  const attrs = [`${INSTALL_COOKIE}=${value}`, 'Path=/oauth', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSec}`]
  if (request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https') attrs.push('Secure')
  reply.header('set-cookie', attrs.join('; '))
}

class AppNotConfiguredError extends TagrelayError {
  constructor() {
    super(
      codes.TAGRELAY_APP_NOT_CONFIGURED,
      'installs need highlevel.app (client id and secret, redirect URL) in the config',
    )
  }
}

class InstallRefusedError extends TagrelayError {
  constructor(error: string, description: string | undefined) {
    super(
      codes.TAGRELAY_OAUTH_REFUSED,
      `HighLevel did not grant the install: ${error}${description ? ` (${description})` : ''}`,
    )
  }
}

class BadAppWebhookError extends TagrelayError {
  constructor(why: string) {
    super(codes.TAGRELAY_BAD_APP_WEBHOOK, `app webhook: ${why}`)
  }
}

/**
 * GET /oauth/install, GET /oauth/callback and POST /oauth/webhook: the OAuth app's
 * install flow (src/locations/installer.ts does the work). The webhook is verified like
 * every HighLevel webhook: X-GHL-Signature (Ed25519) on the raw bytes, a fresh timestamp.
 */
export function oauthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const installer = (): NonNullable<RouteDeps['installs']> => {
    if (!deps.installs) throw new AppNotConfiguredError()
    return deps.installs
  }

  app.get('/oauth/install', async (request, reply) => {
    const { url, browserKey } = installer().installUrl()
    installCookie(reply, request, browserKey, STATE_TTL_SEC)
    return reply.redirect(url, 302)
  })

  app.get<{ Querystring: Record<string, string | undefined> }>('/oauth/callback', async (request, reply) => {
    const q = request.query
    const installs = installer()
    if (q.error !== undefined) throw new InstallRefusedError(q.error, q.error_description)
    if (!q.code) throw new InstallRefusedError('the callback carries no code', undefined)
    const result = await installs.callback(q.code, q.state, cookieValue(request.headers.cookie, INSTALL_COOKIE))
    installCookie(reply, request, '', 0)
    const base = deps.config.server.publicUrl?.replace(/\/$/, '') ?? ''
    request.log.info({ userType: result.userType, locations: result.locations.length }, 'app installed')
    return {
      installed: true,
      userType: result.userType,
      companyId: result.companyId,
      locations: result.locations.map((l) => ({
        name: l.name,
        locationId: l.key,
        hookUrl: `${base}/hooks/<source>/${encodeURIComponent(l.key)}`,
      })),
    }
  })

  const verifier = deps.installs
    ? createSourceRegistry({
        'highlevel-app': sourceSchema.parse({
          location: { from: 'body', path: 'locationId' },
          verify: {
            type: 'highlevel',
            legacy: false,
            ...(deps.config.highlevel.app?.webhookPublicKey
              ? { publicKey: deps.config.highlevel.app.webhookPublicKey }
              : {}),
          },
        }),
      }).get('highlevel-app')
    : undefined

  app.register(async (raw) => {
    raw.removeAllContentTypeParsers()
    raw.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
    raw.post('/oauth/webhook', async (request) => {
      const installs = installer()
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
      const { body } = verifier!.receive({
        source: 'highlevel-app',
        method: 'POST',
        url: request.url,
        headers: headersFromRaw(request.raw.rawHeaders),
        query: request.query as Record<string, unknown>,
        rawBody,
      })
      const parsed = appWebhookSchema.safeParse(body)
      if (!parsed.success)
        throw new BadAppWebhookError('the body is not an app event (type, appId, webhookId, locationId or companyId)')
      if (parsed.data.appId !== installs.appId)
        throw new BadAppWebhookError(`the event is for app ${parsed.data.appId}, not this one (${installs.appId})`)
      const result = await installs.webhook(parsed.data)
      request.log.info({ type: parsed.data.type, locationId: parsed.data.locationId, ...result }, 'app webhook')
      return { ok: true, ...result }
    })
  })
}
