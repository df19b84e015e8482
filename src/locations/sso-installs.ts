import type { InstallLookup } from '../highlevel/index.js'
import type { LocationDirectory } from '../store/index.js'

/**
 * What single sign-on from HighLevel asks about this app's installs, answered from the
 * store (the truth every replica shares, not a replica's cache): an agency counts while its
 * install is active; a location while it is not removed or revoked and, when it came with
 * an agency's install, while that agency's install is active.
 */
export function ssoInstallLookup(directory: Pick<LocationDirectory, 'getCompany' | 'getLocation'>): InstallLookup {
  const companyActive = async (companyId: string) => (await directory.getCompany(companyId))?.state === 'active'
  return {
    companyInstalled: companyActive,
    installedLocation: async (locationId) => {
      const found = await directory.getLocation(locationId)
      if (found === undefined || found.state === 'removed' || found.state === 'revoked') return undefined
      if (found.tokenSource === 'company' && (found.companyId === null || !(await companyActive(found.companyId))))
        return undefined
      return { companyId: found.companyId }
    },
  }
}
