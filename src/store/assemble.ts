import { PortalLinksSql } from './access.js'
import { AlertOutboxSql } from './alerts.js'
import { AuthFailuresSql } from './auth-failures.js'
import { ContactsSql } from './contacts.js'
import { DeadLettersSql } from './dead-letters.js'
import { DirectorySql } from './directory.js'
import { HousekeepingSql, RuleSetsSql } from './housekeeping.js'
import { QueueSql } from './queue.js'
import { RefusedSql, type RefusedKeep } from './refused.js'
import type { EventIntake, Store, StoreLifecycle, TokenStore } from './roles.js'
import { NoncesSql, SessionsSql } from './security.js'
import type { Sql } from './sql.js'
import { TokensSql } from './tokens.js'
import { TrailSql } from './trail.js'
import type { Takeover } from './types.js'

/**
 * What each store brings of its own to the roles (sqlite/store.ts, postgres/store.ts):
 * the accept path, the OAuth refresh lock, SQLite's lease takeover and
 * its faster path for kept refusals.
 */
export interface OwnParts {
  accept: EventIntake['accept']
  withOAuthLock: TokenStore['withOAuthLock']
  takeOverLeases?: (owner: string, now: number) => Promise<Takeover>
  keepRefused?: () => RefusedKeep | undefined
}

/**
 * The store: its lifecycle (each store's own) and one sub-object per role, each role
 * written once over `sql` (one class per role, each method one SQL operation or one
 * transaction) with the parts the store brings of its own.
 */
export function assembleStore<L extends StoreLifecycle>(sql: Sql, lifecycle: L, own: OwnParts): L & Store {
  return Object.assign(lifecycle, {
    intake: { accept: own.accept },
    jobs: new QueueSql(sql, own.takeOverLeases),
    contacts: new ContactsSql(sql),
    trail: new TrailSql(sql),
    deadLetters: new DeadLettersSql(sql),
    tokens: new TokensSql(sql, own.withOAuthLock),
    ruleSets: new RuleSetsSql(sql),
    housekeeping: new HousekeepingSql(sql),
    directory: new DirectorySql(sql),
    refused: new RefusedSql(sql, own.keepRefused),
    alerts: new AlertOutboxSql(sql),
    sessions: new SessionsSql(sql),
    nonces: new NoncesSql(sql),
    portalLinks: new PortalLinksSql(sql),
    authFailures: new AuthFailuresSql(sql),
  })
}
