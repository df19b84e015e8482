import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { codes, TagrelayError } from '../../../errors.js'
import type { LocationEntry, LocationRegistry } from '../../../locations/index.js'
import type { RouteDeps } from '../../deps.js'
import { AdminBadRequestError } from './errors.js'
import { iso } from './times.js'
import { scopeAll, viewOf } from './scope-guard.js'
import { badRequest } from './schema-compilers.js'
import * as schemas from './schemas/locations.js'

/** `body: <path>: <zod's message>; ...` */
const schemaErrorFormatter = badRequest('body', (issues) =>
  issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
)

class LocationNotFoundError extends TagrelayError {
  constructor(key: string) {
    super(codes.TAGRELAY_LOCATION_NOT_FOUND, `no location "${key}" (a name, or an installed location's locationId)`)
  }
}

class LocationFromConfigError extends TagrelayError {
  constructor(name: string) {
    super(
      codes.TAGRELAY_LOCATION_FROM_CONFIG,
      `location "${name}" comes from the config file: change it there (only installed locations change through the API)`,
    )
  }
}

class LocationNameTakenError extends TagrelayError {
  constructor(name: string) {
    super(codes.TAGRELAY_LOCATION_NAME_TAKEN, `another location is named "${name}"`)
  }
}

const out = (e: LocationEntry) => ({
  name: e.name,
  key: e.key,
  locationId: e.locationId,
  origin: e.origin,
  disabled: e.disabled,
  state: e.state,
  stateReason: e.stateReason,
  companyId: e.companyId,
  installedAt: iso(e.installedAt),
})

/**
 * Changes to installed locations, held in the store so they need no restart:
 * `PATCH /admin/locations/{name}` renames, disables or enables; `DELETE` removes (its
 * pending jobs become dead letters with the reason); `POST /admin/locations` adds a
 * location of an agency that installed the app (its token is minted when first needed).
 */
export function locationChangeRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const registry = (): LocationRegistry => {
    if (!deps.locations) throw new LocationNotFoundError('(no registry)')
    return deps.locations
  }
  const installed = async (request: FastifyRequest, key: string) => {
    const entry = await registry().lookup(key)
    // outside the caller's scope: the 404 of a location that does not exist
    if (!entry || entry.state === 'removed' || !viewOf(request, deps).has(entry.key))
      throw new LocationNotFoundError(key)
    if (entry.origin === 'config') throw new LocationFromConfigError(entry.name)
    const row = await deps.store.directory.getLocation(entry.key)
    if (!row) throw new LocationNotFoundError(key)
    return row
  }

  api.patch('/admin/locations/:name', { schema: schemas.changeLocation, schemaErrorFormatter }, async (request) => {
    const { body } = request
    const row = await installed(request, request.params.name)
    if (body.name !== undefined && !registry().nameFree(body.name, row.locationId))
      throw new LocationNameTakenError(body.name)
    const entry = await registry().save({
      ...row,
      name: body.name ?? row.name,
      disabled: body.disabled ?? row.disabled,
      updatedAt: Date.now(),
    })
    request.log.info({ location: entry.key, name: entry.name, disabled: entry.disabled }, 'location changed')
    return { location: out(entry) }
  })

  api.delete('/admin/locations/:name', { schema: schemas.removeLocation }, async (request) => {
    const row = await installed(request, request.params.name)
    const reason = `location removed through the admin API at ${new Date().toISOString()}`
    const deadLettered = await registry().remove(row.locationId, reason)
    request.log.warn({ location: row.locationId, deadLettered }, 'location removed')
    return { removed: row.locationId, deadLettered }
  })

  const preValidation = scopeAll('adding a location')
  api.post(
    '/admin/locations',
    { schema: schemas.addLocation, schemaErrorFormatter, preValidation },
    async (request, reply) => {
      const { body } = request
      const company = await deps.store.directory.getCompany(body.companyId)
      if (company?.state !== 'active')
        throw new AdminBadRequestError(
          `agency ${body.companyId} has not installed the app (or uninstalled it): install it through /oauth/install first`,
        )
      const known = await deps.store.directory.getLocation(body.locationId)
      if (known && known.state !== 'removed') throw new LocationNameTakenError(known.name)
      const name = body.name ?? body.locationId
      if (!registry().nameFree(name, body.locationId)) throw new LocationNameTakenError(name)
      const now = Date.now()
      const entry = await registry().save({
        locationId: body.locationId,
        name,
        companyId: body.companyId,
        tokenSource: 'company',
        state: 'active',
        stateReason: null,
        disabled: false,
        installedAt: now,
        updatedAt: now,
      })
      return reply.code(201).send({ location: out(entry) })
    },
  )
}
