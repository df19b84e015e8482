import type { Logger } from 'pino'
import { z } from 'zod'
import { INSTALL_HOSTS, type AppConfig, type HighLevelInstalls, type InstallGrant } from '../highlevel/index.js'
import type { LocationDirectory, NonceStore, StoredLocation, TokenStore } from '../store/index.js'
import { companyTokenKey, INSTALL_SEED } from './installed-auth.js'
import { InstallState } from './oauth-state.js'
import { WEBHOOK_ID_TTL_MS, whyIgnored } from './app-webhook-guard.js'
import type { LocationRegistry } from './registry.js'

export interface InstallerDeps {
  app: AppConfig
  registry: LocationRegistry
  directory: LocationDirectory
  tokens: TokenStore
  installs: HighLevelInstalls
  /** used install states and app webhook ids, shared by every replica */
  nonces: NonceStore
  logger: Logger
  now?: () => number
}

export interface InstallResult {
  userType: 'Location' | 'Company'
  companyId: string | null
  /** the locations this install added or renewed */
  locations: { key: string; name: string }[]
}

/** INSTALL / UNINSTALL as HighLevel posts them to the app's webhook URL (other types are ignored). */
export const appWebhookSchema = z.looseObject({
  type: z.string(),
  appId: z.string().min(1),
  /** HighLevel's id of this delivery: a second one with the same id is a replay */
  webhookId: z.string().min(1).max(200),
  locationId: z.string().min(1).nullish(),
  companyId: z.string().min(1).nullish(),
  installType: z.string().nullish(),
})

/**
 * The OAuth app's install flow: the choose-location redirect with a signed state, the
 * code exchange for a Location or a Company token, the agency's installed locations,
 * and the INSTALL/UNINSTALL app webhooks.
 *
 * Why the webhook and the callback each work alone: HighLevel may send INSTALL before
 * the code exchange has finished or after it. INSTALL first leaves the location
 * `awaiting-token` (events are accepted; delivery waits for the token); the callback
 * then makes it `active`. Callback first: INSTALL finds it active and changes nothing.
 */
export class AppInstaller {
  readonly #deps: InstallerDeps
  readonly #state: InstallState
  readonly #now: () => number
  readonly appId: string

  constructor(deps: InstallerDeps) {
    this.#deps = deps
    this.#state = new InstallState(deps.app.clientSecret, deps.nonces)
    this.#now = deps.now ?? Date.now
    // HighLevel client ids are <appId>-<suffix>
    this.appId = deps.app.clientId.split('-')[0] ?? deps.app.clientId
  }

  /** Where /oauth/install sends the admin (HighLevel's choose-location page), and the cookie that binds the install to the browser. */
  installUrl(): { url: string; browserKey: string } {
    const { app } = this.#deps
    const url = new URL('/oauth/chooselocation', app.installBaseUrl ?? INSTALL_HOSTS[app.installHost])
    url.searchParams.set('response_type', 'code')
    url.searchParams.set('redirect_uri', app.redirectUrl)
    url.searchParams.set('client_id', app.clientId)
    url.searchParams.set('scope', app.scopes.join(' '))
    const { state, browserKey } = this.#state.issue(this.#now())
    url.searchParams.set('state', state)
    return { url: url.toString(), browserKey }
  }

  /** The callback: `browserKey` is the install's cookie as the browser sent it back. */
  async callback(code: string, state: string | undefined, browserKey: string | undefined): Promise<InstallResult> {
    const now = this.#now()
    await this.#state.take(state, browserKey, now)
    const { app, installs } = this.#deps
    const grant = await installs.exchangeCode({
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      code,
      redirectUri: app.redirectUrl,
      userType: app.userType,
    })
    if (grant.userType === 'Location' && grant.locationId) {
      await this.#saveTokens(grant.locationId, grant, now)
      const entry = await this.#install(grant.locationId, null, 'location', grant.companyId, now)
      return { userType: 'Location', companyId: grant.companyId, locations: [entry] }
    }
    if (grant.companyId === null) throw new Error('HighLevel answered a Company token without a companyId')
    return this.#installCompany(grant.companyId, grant, now)
  }

  async #installCompany(companyId: string, grant: InstallGrant, now: number): Promise<InstallResult> {
    const { directory, installs } = this.#deps
    await this.#saveTokens(companyTokenKey(companyId), grant, now)
    const known = await directory.getCompany(companyId)
    await directory.saveCompany({
      companyId,
      state: 'active',
      stateReason: null,
      installedAt: known?.installedAt ?? now,
      updatedAt: now,
    })
    const listed = await installs.installedLocations(grant.accessToken, companyId, this.appId)
    const rows: StoredLocation[] = []
    const names = new Set<string>()
    for (const l of listed) {
      const row = await this.#row(l.locationId, l.name, 'company', companyId, now, 'active')
      // two of the agency's locations may share a name; names must be unique
      if (names.has(row.name)) row.name = `${row.name} (${row.locationId})`
      names.add(row.name)
      rows.push(row)
    }
    const saved = await this.#deps.registry.saveAll(rows)
    this.#deps.logger.info({ companyId, locations: saved.length }, 'agency installed the app')
    return { userType: 'Company', companyId, locations: saved.map((e) => ({ key: e.key, name: e.name })) }
  }

  /** An INSTALL or UNINSTALL app webhook, already verified (signature, fresh timestamp, our appId). */
  async webhook(event: z.output<typeof appWebhookSchema>): Promise<{ handled: string }> {
    const now = this.#now()
    const { nonces } = this.#deps
    if (!(await nonces.use('app-webhook', event.webhookId, now + WEBHOOK_ID_TTL_MS, now)))
      return { handled: 'duplicate: this webhookId was handled already' }
    try {
      return await this.#act(event, now)
    } catch (err) {
      // not handled after all: HighLevel's retry must act, not be taken for a replay
      await nonces.release('app-webhook', event.webhookId).catch(() => {})
      throw err
    }
  }

  async #act(event: z.output<typeof appWebhookSchema>, now: number): Promise<{ handled: string }> {
    const { registry, directory, logger } = this.#deps
    const why = await whyIgnored(event, registry, directory)
    if (why !== null) {
      logger.warn(
        { type: event.type, locationId: event.locationId, companyId: event.companyId, why },
        'app webhook ignored',
      )
      return { handled: `ignored: ${why}` }
    }
    if (event.type === 'INSTALL' && event.locationId) {
      const known = await directory.getLocation(event.locationId)
      if (known && (known.state === 'active' || known.state === 'awaiting-token'))
        return { handled: 'already installed' }
      const company = event.companyId ? await directory.getCompany(event.companyId) : undefined
      const viaCompany = company?.state === 'active' || (company === undefined && this.#deps.app.userType === 'Company')
      const source = viaCompany && event.companyId ? 'company' : 'location'
      // a company with a token can mint this location's token now; otherwise the callback brings it
      const ready = source === 'company' && company?.state === 'active'
      await this.#install(
        event.locationId,
        null,
        source,
        event.companyId ?? null,
        now,
        ready ? 'active' : 'awaiting-token',
      )
      return { handled: ready ? 'installed' : 'installed, awaiting the code exchange' }
    }
    if (event.type === 'UNINSTALL' && event.locationId) {
      const reason = `the app was uninstalled from this location in HighLevel (UNINSTALL, ${new Date(now).toISOString()})`
      const dead = await registry.remove(event.locationId, reason)
      logger.warn({ locationId: event.locationId, deadLetters: dead }, 'app uninstalled from a location')
      return { handled: 'uninstalled' }
    }
    if (event.type === 'UNINSTALL' && event.companyId) {
      const reason = `the app was uninstalled from the agency in HighLevel (UNINSTALL, ${new Date(now).toISOString()})`
      const known = await directory.getCompany(event.companyId)
      if (known) await directory.saveCompany({ ...known, state: 'removed', stateReason: reason, updatedAt: now })
      for (const e of registry.list())
        if (e.companyId === event.companyId && e.origin === 'installed') await registry.remove(e.key, reason)
      return { handled: 'uninstalled from the agency' }
    }
    return { handled: 'ignored' }
  }

  async #saveTokens(key: string, grant: InstallGrant, now: number): Promise<void> {
    await this.#deps.tokens.saveOAuthTokens(key, {
      clientId: this.#deps.app.clientId,
      seedHash: INSTALL_SEED,
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      expiresAt: now + grant.expiresInSec * 1000,
      updatedAt: now,
    })
  }

  async #install(
    locationId: string,
    name: string | null,
    tokenSource: StoredLocation['tokenSource'],
    companyId: string | null,
    now: number,
    state: StoredLocation['state'] = 'active',
  ): Promise<{ key: string; name: string }> {
    const entry = await this.#deps.registry.save(await this.#row(locationId, name, tokenSource, companyId, now, state))
    return { key: entry.key, name: entry.name }
  }

  /** The row of an install: a known location keeps its name and disabled flag. */
  async #row(
    locationId: string,
    name: string | null,
    tokenSource: StoredLocation['tokenSource'],
    companyId: string | null,
    now: number,
    state: StoredLocation['state'],
  ): Promise<StoredLocation> {
    const { registry, directory } = this.#deps
    const known = await directory.getLocation(locationId)
    const wanted = known?.name ?? name ?? locationId
    return {
      locationId,
      name: registry.nameFree(wanted, locationId) ? wanted : `${wanted} (${locationId})`,
      companyId: companyId ?? known?.companyId ?? null,
      tokenSource,
      state,
      stateReason: null,
      disabled: known?.disabled ?? false,
      installedAt: known && known.state !== 'removed' ? known.installedAt : now,
      updatedAt: now,
    }
  }
}
