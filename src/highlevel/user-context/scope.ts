import type { AdminRole, Scope } from '../../common/scope.js'
import { SsoNoAccessError, SsoNotInstalledError } from './errors.js'
import type { UserContext } from './schema.js'

/** What the mapping asks about this app's installs (the store's locations and agencies). */
export interface InstallLookup {
  /** whether the app is installed on the agency (company) now */
  companyInstalled(companyId: string): Promise<boolean>
  /**
   * an installed location's company (null when none is known, e.g. a location of the
   * config file), or undefined when the app is not installed there (never, removed, revoked)
   */
  installedLocation(locationId: string): Promise<{ companyId: string | null } | undefined>
}

export interface SsoGrant {
  scope: Scope
  role: AdminRole
}

/**
 * What a HighLevel user may see in tagrelay. Inside a sub-account (`activeLocation`), that
 * location only, whoever the user is, and only when the app is installed there (directly
 * or through the agency) and the location belongs to the user's company. In the agency
 * view, an agency admin gets the whole company when the app is installed on the agency.
 * `role: user` is a viewer, `role: admin` an admin. Anyone else gets nothing.
 */
export async function grantFor(ctx: UserContext, installs: InstallLookup): Promise<SsoGrant> {
  const role: AdminRole = ctx.role === 'admin' ? 'admin' : 'viewer'
  if (ctx.activeLocation !== undefined) {
    const found = await installs.installedLocation(ctx.activeLocation)
    if (found === undefined)
      throw new SsoNotInstalledError(`the app is not installed on sub-account ${ctx.activeLocation}`)
    if (found.companyId !== ctx.companyId)
      throw new SsoNotInstalledError(
        `sub-account ${ctx.activeLocation} is not installed under company ${ctx.companyId}`,
      )
    return { scope: { kind: 'locations', locationIds: [ctx.activeLocation] }, role }
  }
  if (ctx.type !== 'agency' || ctx.role !== 'admin')
    throw new SsoNoAccessError(
      'outside a sub-account, only an agency admin has access (open the page in a sub-account)',
    )
  if (!(await installs.companyInstalled(ctx.companyId)))
    throw new SsoNotInstalledError(`the app is not installed on agency ${ctx.companyId}`)
  return { scope: { kind: 'company', companyId: ctx.companyId }, role }
}
