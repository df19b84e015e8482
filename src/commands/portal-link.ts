import type { Scope } from '../common/scope.js'
import type { Config } from '../config/index.js'
import { codes, TagrelayError } from '../errors.js'
import { mintPortalLink, portalUrl } from '../http/index.js'
import { openStore, type Store } from '../store/index.js'

/** A bad `tagrelay portal-link` invocation that only the config or the store can tell (usage exit code 2). */
export class PortalLinkArgsError extends TagrelayError {
  constructor(message: string) {
    super(codes.TAGRELAY_USAGE, message)
  }
}

export interface PortalLinkOptions {
  /** location names or HighLevel ids (config file or installed) */
  locations: string[]
  companyId?: string | undefined
  viewer: boolean
  ttlMinutes: number
  /** the service's public base URL when `server.publicUrl` is not set */
  url?: string | undefined
}

/** A location by name or HighLevel id, from the config file or the store's installed ones. */
async function locationIdOf(config: Config, store: Store, named: string): Promise<{ id: string; name: string }> {
  const fromConfig = Object.entries(config.highlevel.locations).find(([n, l]) => n === named || l.locationId === named)
  if (fromConfig) return { id: fromConfig[1].locationId, name: fromConfig[0] }
  const installed = (await store.directory.listLocations()).filter((l) => l.state !== 'removed')
  const found = installed.find((l) => l.name === named || l.locationId === named)
  if (found) return { id: found.locationId, name: found.name }
  const known = [...Object.keys(config.highlevel.locations), ...installed.map((l) => l.name)].slice(0, 10)
  throw new PortalLinkArgsError(`no location "${named}" (known: ${known.join(', ') || 'none'})`)
}

/**
 * `tagrelay portal-link`: makes a one-time console link of a location (or a company) and
 * prints it. The link is the same as `POST /admin/portal-links` makes; the secret is printed
 * once, only its hash is stored. Needs the store and `admin.token` (sessions are signed
 * with a key derived from it).
 */
export async function runPortalLink(
  config: Config,
  opts: PortalLinkOptions,
  out: (line: string) => void = console.log,
  now = Date.now(),
): Promise<string> {
  if (config.admin.token === undefined)
    throw new PortalLinkArgsError('admin.token is not set: the console (and its portal links) are off')
  const base = (config.server.publicUrl ?? opts.url)?.replace(/\/+$/, '')
  if (!base) throw new PortalLinkArgsError('set server.publicUrl in the config, or pass --url https://tags.example.com')
  const store = await openStore(config.store)
  try {
    let scope: Scope
    let label: string
    if (opts.companyId !== undefined) {
      scope = { kind: 'company', companyId: opts.companyId }
      label = `company ${opts.companyId}`
    } else {
      const found = await Promise.all(opts.locations.map((l) => locationIdOf(config, store, l)))
      scope = { kind: 'locations', locationIds: [...new Set(found.map((f) => f.id))] }
      label = found.map((f) => f.name).join(', ')
    }
    const role = opts.viewer ? 'viewer' : 'admin'
    const { link, secret } = await mintPortalLink(
      { store, config },
      { scope, role, ttlMinutes: opts.ttlMinutes, label: `${label}, ${role}`, createdBy: 'tagrelay portal-link' },
      now,
    )
    const url = portalUrl(base, secret)
    out(url)
    out(`(${role}, ${label}; single use, expires ${new Date(link.expiresAt).toISOString()}; id ${link.id})`)
    return url
  } finally {
    await store.close()
  }
}
