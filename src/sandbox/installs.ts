import { randomBytes } from 'node:crypto'
import type { SandboxClock } from './clock.js'

/** When the INSTALL app webhook goes out relative to the code exchange (HighLevel gives no order). */
export type InstallWebhookTiming = 'before-redirect' | 'after-exchange' | 'none'

export type InstallChoice =
  | { userType: 'Location'; locationId: string; companyId?: string; installWebhook?: InstallWebhookTiming }
  | { userType: 'Company'; companyId: string; locationIds: string[]; installWebhook?: InstallWebhookTiming }

export interface PendingCode {
  clientId: string
  redirectUri: string
  choice: InstallChoice
  expiresAt: number
  used: boolean
}

export interface SandboxLocation {
  id: string
  name: string
  companyId: string
}

export const DEFAULT_COMPANY = 'sandboxCompany000001'
export const DEFAULT_LOCATION = 'sandboxLocation00001'
const CODE_TTL_MS = 15 * 60_000

/** HighLevel client ids read `<appId>-<suffix>`; the sandbox takes the app id from the first part. */
export const appIdOf = (clientId: string): string => clientId.split('-')[0] ?? clientId

export const companyOfChoice = (choice: InstallChoice): string => choice.companyId ?? DEFAULT_COMPANY

/**
 * Which app is installed where, what the next choose-location page approves, and the
 * authorization codes it handed out: the marketplace side of HighLevel's install flow. The
 * page auto-approves (there is nobody to click), so tests pick the outcome beforehand with
 * `choose()`.
 */
export class SandboxInstalls {
  #choice: InstallChoice = { userType: 'Location', locationId: DEFAULT_LOCATION, companyId: DEFAULT_COMPANY }
  readonly #locations = new Map<string, SandboxLocation>()
  /** app id -> installed resources, `loc:<id>` or `co:<id>` */
  readonly #installed = new Map<string, Set<string>>()
  readonly #installedAt = new Map<string, string>()
  readonly #inactive = new Set<string>()
  readonly #codes = new Map<string, PendingCode>()

  constructor(readonly clock: SandboxClock) {}

  get choice(): InstallChoice {
    return this.#choice
  }

  choose(choice: InstallChoice): void {
    const locationIds = choice.userType === 'Location' ? [choice.locationId] : choice.locationIds
    for (const id of locationIds) this.#known(id, companyOfChoice(choice))
    this.#choice = choice
  }

  /** n new locations of a company (names `Location 1..n` after the ones it has). */
  addCompanyLocations(companyId: string, n: number, prefix = 'loc'): string[] {
    const ids: string[] = []
    const base = this.listCompany(companyId).length
    for (let i = 1; i <= n; i++) {
      const id = `${prefix}${String(base + i).padStart(6, '0')}${randomBytes(4).toString('hex')}`
      this.#locations.set(id, { id, name: `Location ${base + i}`, companyId })
      ids.push(id)
    }
    return ids
  }

  listCompany(companyId: string): SandboxLocation[] {
    return [...this.#locations.values()].filter((l) => l.companyId === companyId)
  }

  location(id: string): SandboxLocation | undefined {
    return this.#locations.get(id)
  }

  /** Approves the current choice for a client: marks the app installed and returns a code. */
  approve(clientId: string, redirectUri: string): { code: string; choice: InstallChoice } {
    const choice = this.#choice
    const companyId = companyOfChoice(choice)
    if (choice.userType === 'Company') {
      this.install(appIdOf(clientId), `co:${companyId}`)
      for (const id of choice.locationIds) this.install(appIdOf(clientId), `loc:${id}`)
    } else this.install(appIdOf(clientId), `loc:${choice.locationId}`)
    const code = randomBytes(20).toString('hex')
    this.#codes.set(code, { clientId, redirectUri, choice, expiresAt: this.clock.now() + CODE_TTL_MS, used: false })
    return { code, choice }
  }

  /** A code not yet redeemed (the exchange that redeems it sends the INSTALL webhook after). */
  unredeemed(code: string): PendingCode | null {
    const pending = this.#codes.get(code)
    return pending === undefined || pending.used ? null : pending
  }

  /** The choice a code stands for, once: a reused, expired or foreign code is refused. */
  redeem(code: string, clientId: string, redirectUri: string | null): InstallChoice | null {
    const pending = this.#codes.get(code)
    if (pending === undefined || pending.used || pending.clientId !== clientId) return null
    if (pending.expiresAt <= this.clock.now()) return null
    if (redirectUri !== null && redirectUri !== pending.redirectUri) return null
    pending.used = true
    return pending.choice
  }

  install(appId: string, resource: string): void {
    if (resource.startsWith('loc:')) this.#known(resource.slice(4), DEFAULT_COMPANY)
    let set = this.#installed.get(appId)
    if (set === undefined) this.#installed.set(appId, (set = new Set()))
    set.add(resource)
    this.#installedAt.set(`${appId} ${resource}`, new Date(this.clock.now()).toISOString())
  }

  isInstalled(appId: string, resource: string): boolean {
    return this.#installed.get(appId)?.has(resource) ?? false
  }

  /** Removes the app from a location, or from a company and all its locations; the resources removed. */
  uninstall(appId: string, target: { locationId: string } | { companyId: string }): string[] {
    const set = this.#installed.get(appId)
    if (set === undefined) return []
    const removed =
      'locationId' in target
        ? [`loc:${target.locationId}`]
        : [`co:${target.companyId}`, ...this.listCompany(target.companyId).map((l) => `loc:${l.id}`)]
    return removed.filter((r) => set.delete(r))
  }

  deactivate(locationId: string): void {
    this.#inactive.add(locationId)
  }

  isActive(locationId: string): boolean {
    return !this.#inactive.has(locationId)
  }

  /** One page of a company's locations, as /oauth/installedLocations lists them. */
  page(appId: string, companyId: string, opts: { installedOnly: boolean; skip: number; limit: number }) {
    const all = this.listCompany(companyId).map((l) => ({
      _id: l.id,
      name: l.name,
      address: '',
      isInstalled: this.isInstalled(appId, `loc:${l.id}`),
      ...(this.#installedAt.has(`${appId} loc:${l.id}`)
        ? { installedAt: this.#installedAt.get(`${appId} loc:${l.id}`) }
        : {}),
    }))
    const matching = opts.installedOnly ? all.filter((l) => l.isInstalled) : all
    return { locations: matching.slice(opts.skip, opts.skip + opts.limit), count: matching.length }
  }

  #known(id: string, companyId: string): void {
    if (!this.#locations.has(id)) this.#locations.set(id, { id, name: `Location ${id}`, companyId })
  }
}
