import type { KeyObject } from 'node:crypto'
import type { AppWebhookSent } from './app-webhooks.js'
import type { FaultSettings, FaultSettingsInput } from './faults.js'
import type { InstallChoice } from './installs.js'
import type { RateLimits } from './ratelimit.js'
import type { SandboxContact, SeedContactInput } from './store.js'
import type { Clock } from '../common/clock.js'

export interface SandboxLogger {
  info(obj: Record<string, unknown>, msg?: string): void
}

export interface SandboxOptions {
  host?: string
  port?: number
  /** static bearer tokens (Private Integration Tokens) -> the locationId each belongs to */
  tokens: Record<string, string>
  /** OAuth apps: client id -> client secret; refresh tokens come from `issueRefreshToken` */
  oauthClients?: Record<string, string>
  /** expires_in of issued access tokens, sandbox seconds (default 86,399 as HighLevel) */
  accessTokenTtlSec?: number
  /** per-location limits (default HighLevel's: 100 per 10 s, 200,000 a day) */
  limits?: Partial<RateLimits>
  /** sandbox time runs this many times faster than real time (default 1) */
  clockScale?: number
  /** the real time the sandbox scales: its windows, outages, added latency (default the system clock) */
  clock?: Clock
  faults?: FaultSettingsInput
  /**
   * sandbox ms before a contact created or changed through upsert appears in Search
   * Contacts (default 3,000: HighLevel's search "may take a few seconds"); the duplicate
   * search finds it at once
   */
  searchIndexDelayMs?: number
  /** the most filters one OR group of Search Contacts may hold (default 100; undocumented at HighLevel) */
  searchOrGroupLimit?: number
  /** where HighLevel's INSTALL and UNINSTALL app webhooks go (also `setAppWebhookUrl`) */
  appWebhookUrl?: string
  /** the Ed25519 private key that signs app webhooks (default: a fresh pair) */
  webhookSigningKey?: KeyObject
  /**
   * the Shared Secret of the marketplace app whose Custom Page `GET /custom-page` plays
   * HighLevel's window for: it encrypts the user context with it
   */
  sharedSecret?: string
  /** dice for the fault rates (tests make them deterministic) */
  random?: () => number
  logger?: SandboxLogger
}

export interface SandboxCalls {
  total: number
  [routeKey: string]: number
}

export interface Sandbox {
  readonly url: string
  readonly port: number
  /** Requests seen per route key ('unmatched' for unknown routes); a snapshot. */
  readonly calls: SandboxCalls
  /** How many 429s the burst or daily limit answered (injected faults not counted). */
  readonly rateLimited: number
  /** Faults injected so far, by kind: 'outage', 'timeout', 'reset' or the status ('503', '429'). */
  readonly injected: Record<string, number>
  seedContact(input: SeedContactInput): SandboxContact
  getContact(id: string): SandboxContact | undefined
  /** Deletes a contact, as deleting or merging it in HighLevel does; false if there was none. */
  deleteContact(id: string): boolean
  /** Per tag, how many tag adds to this contact found the tag already present: repeated deliveries. */
  repeatedTagAdds(contactId: string): Record<string, number>
  findByEmail(locationId: string, email: string): SandboxContact | null
  listContacts(locationId?: string): SandboxContact[]
  /** The next `times` requests answer `status` with a HighLevel-shaped (or the given) body. */
  failNext(status: number, times?: number, body?: unknown): void
  /** Replaces the fault settings (as `POST /_sandbox/faults`). */
  setFaults(faults: FaultSettingsInput): FaultSettings
  /** A new refresh token for an OAuth client installed on a location (marks it installed). */
  issueRefreshToken(clientId: string, locationId: string, companyId?: string): string
  /** The public key of app webhooks' X-GHL-Signature, base64 SPKI DER (`verify.publicKey`). */
  readonly webhookPublicKey: string
  /** What the choose-location page approves from now on (it auto-approves). */
  chooseInstall(choice: InstallChoice): void
  /** n new locations of an agency (company); their ids. */
  addCompanyLocations(companyId: string, n: number, prefix?: string): string[]
  setAppWebhookUrl(url: string | undefined): void
  /** App webhooks sent so far, with the last answer each got. */
  readonly appWebhooksSent: readonly AppWebhookSent[]
  /** Resolves when every app webhook sent so far has settled. */
  appWebhooksSettled(): Promise<void>
  /**
   * Uninstalls an OAuth client's app from a location, or from an agency and all its
   * locations: its grants and tokens stop working; an UNINSTALL webhook is sent and awaited.
   */
  uninstall(clientId: string, target: { locationId: string } | { companyId: string }): Promise<void>
  /** A disabled sub-account: its refreshes fail and its calls answer 401 `Location is not active`. */
  deactivateLocation(locationId: string): void
  /** Expires issued OAuth access tokens now (one location's, or all): the next call gets 401. */
  expireAccessTokens(locationId?: string): void
  resetCalls(): void
  close(): Promise<void>
}
