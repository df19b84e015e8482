import type { LocationDirectory } from '../store/index.js'
import type { LocationRegistry } from './registry.js'

/** An INSTALL or UNINSTALL as the guard reads it (appWebhookSchema's output). */
export interface AppWebhookEvent {
  type: string
  locationId?: string | null | undefined
  companyId?: string | null | undefined
}

/** How long a handled webhookId is remembered: far beyond the 5 minutes a signed timestamp is fresh. */
export const WEBHOOK_ID_TTL_MS = 60 * 60_000

/**
 * Why a verified app webhook must not act, or null when it may. Defence in depth behind
 * HighLevel's signature: a webhook acts only on what this app installed, as it was
 * installed. A location of the config file is never touched (by name or locationId); an
 * UNINSTALL names a location or company this app installed, and a companyId it carries
 * is the one stored with the install; an INSTALL comes from an agency this app is
 * installed on, or for a location it installed before (a Location install brings its
 * location through the code exchange, which needs no webhook).
 */
export async function whyIgnored(
  event: AppWebhookEvent,
  registry: Pick<LocationRegistry, 'resolve'>,
  directory: LocationDirectory,
): Promise<string | null> {
  const { locationId, companyId } = event
  if (locationId && registry.resolve(locationId)?.origin === 'config')
    return `${locationId} is a location of the config file, not an install`
  if (locationId) {
    const known = await directory.getLocation(locationId)
    if (known && companyId && known.companyId !== companyId)
      return `${locationId} was installed for company ${known.companyId ?? '(none)'}, not ${companyId}`
    if (known) return null
    if (event.type === 'UNINSTALL') return `${locationId} is not a location this app installed`
  }
  if (!companyId) return event.type === 'UNINSTALL' ? 'it names neither a location nor a company' : null
  const company = await directory.getCompany(companyId)
  if (company === undefined || (event.type === 'INSTALL' && company.state !== 'active'))
    return `company ${companyId} is not an agency this app is installed on`
  return null
}
