import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { AdminRole, Scope } from '../../../common/scope.js'
import type { StoredPortalLink } from '../../../store/index.js'
import type { RouteDeps } from '../../deps.js'
import { callerOf, sameOrigin, setSessionCookie } from './caller.js'
import {
  AdminCsrfError,
  PortalLinkExpiredError,
  PortalLinkNotFoundError,
  PortalLinkRevokedError,
  PortalLinkUnknownError,
  PortalLinkUsedError,
} from './errors.js'
import { scopeAll } from './scope-guard.js'
import { scopeView } from './scope-view.js'
import type { AdminAuth } from './auth.js'
import { iso } from './times.js'
import * as schemas from './schemas/sessions.js'

/** Only the SHA-256 of a secret is stored: a copy of the database opens nothing. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex')

/** What a list shows of a link: never its secret or the secret's hash. */
const linkOut = (l: StoredPortalLink, now: number) => ({
  id: l.id,
  label: l.label,
  scope: l.scope,
  role: l.role,
  createdBy: l.createdBy,
  createdAt: iso(l.createdAt),
  expiresAt: iso(l.expiresAt),
  usedAt: iso(l.usedAt),
  revokedAt: iso(l.revokedAt),
  state: (l.revokedAt !== null ? 'revoked' : l.usedAt !== null ? 'used' : l.expiresAt <= now ? 'expired' : 'unused') as
    'revoked' | 'used' | 'expired' | 'unused',
})

/** Where the link points: `server.publicUrl` when set, else the origin the request came to. */
function base(deps: RouteDeps, request: FastifyRequest): string {
  if (deps.config.server.publicUrl) return deps.config.server.publicUrl.replace(/\/+$/, '')
  const proto = request.headers['x-forwarded-proto'] === 'https' ? 'https' : request.protocol
  return `${proto}://${request.headers.host ?? 'localhost'}`
}

export interface PortalLinkMint {
  scope: Scope
  role: 'admin' | 'viewer'
  ttlMinutes: number
  label?: string | undefined
  createdBy: string
}

/** Makes a link (the CLI and the route share it): the secret is returned once and never stored. */
export async function mintPortalLink(
  deps: Pick<RouteDeps, 'store' | 'config' | 'locations'>,
  mint: PortalLinkMint,
  now: number,
): Promise<{ link: StoredPortalLink; secret: string }> {
  const secret = randomBytes(32).toString('base64url')
  const label = mint.label ?? `${scopeView(deps, mint.scope).displayName}, ${mint.role}`
  const link: StoredPortalLink = {
    id: randomUUID(),
    secretHash: hashSecret(secret),
    scope: mint.scope,
    role: mint.role,
    label,
    createdBy: mint.createdBy,
    createdAt: now,
    expiresAt: now + mint.ttlMinutes * 60_000,
    usedAt: null,
    revokedAt: null,
  }
  await deps.store.portalLinks.create(link)
  return { link, secret }
}

export const portalUrl = (baseUrl: string, secret: string): string => `${baseUrl}/console/portal#${secret}`

/**
 * Portal links (issue 28): one-time links that open a console session of a given scope and
 * role, for someone who has no token (an agency's client, an account manager). Making,
 * listing and revoking them needs an admin credential of scope `all`: a link is a
 * credential, and one rule is easier to audit than "within your own scope". The secret
 * travels in the URL's fragment, which browsers never send, so no access log or proxy sees
 * it; the page at /console/portal posts it to the exchange, which is unauthenticated but
 * throttled like the sign-in, and stores only its hash.
 */
export function portalLinkRoutes(app: FastifyInstance, deps: RouteDeps, auth: AdminAuth): void {
  const now = () => auth.keeper.now()
  const api = app.withTypeProvider<ZodTypeProvider>()
  const making = { schema: schemas.makePortalLink, preValidation: scopeAll('making portal links') }
  api.post('/admin/portal-links', making, async (request, reply) => {
    const { body } = request
    const createdBy = callerOf(request).session ? 'console session' : 'admin token'
    const { link, secret } = await mintPortalLink(deps, { ...body, createdBy }, now())
    request.log.info({ portalLink: link.id, scope: link.scope, role: link.role }, 'portal link made')
    return reply.code(201).send({ ...linkOut(link, now()), url: portalUrl(base(deps, request), secret) })
  })
  const listing = { schema: schemas.listPortalLinks, preValidation: scopeAll('listing portal links') }
  api.get('/admin/portal-links', listing, async () => {
    const at = now()
    return { links: (await deps.store.portalLinks.list(200)).map((l) => linkOut(l, at)) }
  })
  const revoking = { schema: schemas.revokePortalLink, preValidation: scopeAll('revoking portal links') }
  api.delete('/admin/portal-links/:id', revoking, async (request, reply) => {
    const { id } = request.params
    if (!(await deps.store.portalLinks.get(id))) throw new PortalLinkNotFoundError(id)
    await deps.store.portalLinks.revoke(id, now())
    request.log.info({ portalLink: id }, 'portal link revoked')
    return reply.code(204).send()
  })
  api.post('/admin/portal-links/exchange', { schema: schemas.exchangePortalLink }, async (request, reply) => {
    const { secret } = request.body
    if (!sameOrigin(request)) throw new AdminCsrfError('cross-origin exchange refused: the Origin is not this host')
    auth.guarded(request, reply, 'sign-in')
    const used = await deps.store.portalLinks.use(hashSecret(secret), now())
    if (used.outcome !== 'ok') {
      if (used.outcome === 'unknown') auth.wrong(request, 'sign-in')
      request.log.warn({ portalLink: used.link?.id ?? null, outcome: used.outcome }, 'portal link refused')
      if (used.outcome === 'used') throw new PortalLinkUsedError()
      if (used.outcome === 'expired') throw new PortalLinkExpiredError()
      if (used.outcome === 'revoked') throw new PortalLinkRevokedError()
      throw new PortalLinkUnknownError()
    }
    const { link } = used
    const role: AdminRole = link.role === 'admin' ? 'admin' : 'viewer'
    const { cookieValue, session } = await auth.keeper.open(role, link.scope, { via: 'portal-link' })
    setSessionCookie(reply, request, cookieValue, Math.floor((session.expiresAt - now()) / 1000))
    request.log.info({ portalLink: link.id, role, scope: link.scope }, 'console session opened by a portal link')
    return {
      role,
      scope: link.scope,
      scopeName: scopeView(deps, link.scope).displayName,
      via: session.via,
      expiresAt: iso(session.expiresAt),
      csrfToken: auth.keeper.csrfToken(session),
    }
  })
}
